using SignOff.Host.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSignOff();

var app = builder.Build();
await app.UseSignOffAsync();
await app.RunAsync();

/// <summary>The entry point, visible to functional tests.</summary>
public partial class Program;
