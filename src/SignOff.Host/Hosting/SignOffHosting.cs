using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Host.Api;
using SignOff.Host.Calendars;
using SignOff.Host.Commands;
using SignOff.Host.Effects;
using SignOff.Host.Documents;
using SignOff.Host.Durable;
using SignOff.Host.Mail;
using SignOff.Host.Pages;
using SignOff.Host.Webhooks;
using SignOff.Host.Respond;
using SignOff.Storage;
using SignOff.Storage.Agreements;
using SignOff.Storage.Blobs;
using SignOff.Storage.Feed;
using SignOff.Storage.Rounds;
using SignOff.Storage.Webhooks;
using SignOff.Workflow.Agreements;
using SignOff.Workflow.Effects;
using SignOff.Workflow.Time;
using SignOff.Host.Access;
using SignOff.Host.Configuration;

namespace SignOff.Host.Hosting;

/// <summary>Composition: configuration to services, and the request pipeline.</summary>
public static class SignOffHosting
{
    /// <summary>Registers SignOff's services.</summary>
    /// <param name="builder">The application being composed.</param>
    /// <param name="runtime">
    /// Where the round entities and orchestrations run: <see cref="DurableRuntime.Local"/> starts the
    /// Durable Task Framework's worker in this process; <see cref="DurableRuntime.External"/> leaves
    /// that to a host that has its own (the Functions app), which then registers the
    /// <see cref="IRoundEngine"/> and <see cref="IWebhookRuns"/> it reaches them through.
    /// </param>
    public static void AddSignOff(this WebApplicationBuilder builder, DurableRuntime runtime = DurableRuntime.Local)
    {
        var config = builder.Configuration;
        var options = config.GetSection("SignOff").Get<SignOffOptions>() ?? new SignOffOptions();
        builder.AddSignOffTelemetry();
        var mail = config.GetSection("Mail").Get<MailOptions>() ?? new MailOptions();
        var storage = config.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var services = builder.Services;
        // The same settings, validated when the host starts: a mistyped key hash or a key with no person stops it with the reason.
        services.AddOptions<SignOffOptions>().Bind(config.GetSection("SignOff")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignOffOptions>, SignOffOptionsValidation>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SignOffOptions>>().Value);
        services.AddSingleton(mail);
        services.AddSingleton(storage.CreateClients());

        var manualClock = builder.Environment.IsDevelopment() && config.GetValue<bool>("Clock:Manual");
        if (manualClock)
        {
            services.AddSingleton(sp => ManualClock.Restore(TimeProvider.System, sp.GetRequiredService<StorageClients>().Settings));
            services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<ManualClock>());
        }
        else
        {
            services.AddSingleton(TimeProvider.System);
        }

        services.AddSingleton(WallClock.System);

        services.AddSingleton(_ => LoadHolidays(config["SignOff:BankHolidaysFile"]));
        services.AddSingleton(sp => new RoundProcess(sp.GetRequiredService<BankHolidays>()));
        services.AddSingleton(sp => new AgreementProcess(sp.GetRequiredService<BankHolidays>()));
        services.AddSingleton(sp => new AgreementReadModel(sp.GetRequiredService<StorageClients>().Agreements));
        services.AddSingleton(sp => new AgreementEffectLedger(new EffectLedger(sp.GetRequiredService<StorageClients>().Agreements)));
        services.AddSingleton(_ => LoadRoutes(config["SignOff:WorkflowsFolder"] ?? Path.Combine(AppContext.BaseDirectory, "workflows")));
        services.AddSingleton(sp => new RoundReadModel(sp.GetRequiredService<StorageClients>().Rounds));
        services.AddSingleton(sp => new EffectLedger(sp.GetRequiredService<StorageClients>().Rounds));
        services.AddSingleton(sp => new EventFeed(sp.GetRequiredService<StorageClients>().Feed));
        services.AddHostedService<FeedBackfill>();
        services.AddSingleton(sp => new BlobDocumentStore(sp.GetRequiredService<StorageClients>().Documents, options.MaxDocumentBytes));
        services.AddSingleton(sp => new CounterpartRegistry(sp.GetRequiredService<StorageClients>().Counterparts));
        services.AddSingleton<ICounterpartInspector, CounterpartInspector>();
        services.AddSingleton(sp => new ResponseLinks(sp.GetRequiredService<StorageClients>().Links, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EmailRenderer>();
        services.AddSingleton<IEffectHandler, NotificationMailer>();
        services.AddSingleton<IAgreementEffectHandler, AgreementMailer>();
        switch (mail.Transport.ToLowerInvariant())
        {
            case "smtp":
                services.AddSingleton<IMailTransport, SmtpTransport>();
                break;
            case "sendgrid":
                services.AddHttpClient<IMailTransport, SendGridTransport>(c => c.Timeout = TimeSpan.FromSeconds(30));
                break;
            case "notify":
                services.AddHttpClient<IMailTransport, NotifyTransport>(c => c.Timeout = TimeSpan.FromSeconds(30));
                break;
            default:
                throw new InvalidOperationException($"Mail:Transport '{mail.Transport}' is not one of smtp, sendgrid, notify.");
        }

        var webhooks = config.GetSection("Webhooks").Get<WebhookOptions>() ?? new WebhookOptions();
        services.AddSingleton(webhooks);
        services.AddSingleton(sp => new WebhookStore(sp.GetRequiredService<StorageClients>().Webhooks));
        services.AddSingleton<WebhookTargetGuard>();
        services.AddSingleton<SecretSealer>();
        services.AddSingleton(sp => new WebhookSender(
            new HttpClient(sp.GetRequiredService<WebhookTargetGuard>().CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }, webhooks, sp.GetRequiredService<WallClock>()));
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<SignOff.Workflow.Webhooks.IWebhookAttempts>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<WebhookEndpoints.Deps>();
        services.AddSingleton<IEffectHandler, WebhookEffectHandler>();
        services.AddSingleton<IAgreementEffectHandler, AgreementWebhookHandler>();
        // Published meeting calendars: the same policy refuses a hostile address at launch and before every read.
        var calendars = config.GetSection("Calendars").Get<CalendarOptions>() ?? new CalendarOptions();
        var feeds = calendars.PolicyFor(builder.Environment.IsDevelopment());
        services.AddSingleton(calendars);
        services.AddSingleton(feeds);
        services.AddSingleton(_ => new CalendarFeedReader(
            new HttpClient(CalendarFeedReader.CreateHandler(feeds, calendars.Timeout)) { Timeout = Timeout.InfiniteTimeSpan }, calendars, feeds));
        services.AddSingleton<IEffectHandler, MeetingCalendarHandler>();
        // The workflow's ports, whichever runtime runs the workflow classes.
        services.AddSingleton(storage);
        var durable = config.GetSection("Durable").Get<DurableOptions>() ?? new DurableOptions();
        services.AddSingleton(durable);
        services.AddSingleton(sp => new WorkflowClock(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WallClock>().Provider));
        services.AddSingleton(durable.RetryPolicy);
        services.AddSingleton<IRoundProjection, TableRoundProjection>();
        services.AddSingleton<IEffectPerformer, LedgerEffectPerformer>();
        services.AddSingleton<IAgreementProjection, TableAgreementProjection>();
        services.AddSingleton<IAgreementEffectPerformer, LedgerAgreementEffectPerformer>();
        if (runtime == DurableRuntime.Local)
        {
            services.AddLocalDurableRuntime();
        }

        services.AddSingleton(sp => new RoundCommands(sp.GetRequiredService<IRoundEngine>(), sp.GetRequiredService<RoundProcess>(),
            sp.GetRequiredService<BlobDocumentStore>(), sp.GetRequiredService<GovernanceRouteCatalog>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RoundCommands>>(), sp.GetRequiredService<ICounterpartInspector>(), sp.GetRequiredService<CounterpartRegistry>(),
            sp.GetRequiredService<CalendarFeedPolicy>()));
        services.AddSingleton<AgreementRoundCommands>();
        services.AddSingleton<LaunchPreviews>();
        services.AddSingleton<IOfficerLinkMinter, OfficerLinkMinter>();
        services.AddSingleton<OfficerLinks>();
        services.AddSingleton<ServiceSeal>();
        services.AddSingleton<CounterpartExecution>();
        services.AddSingleton<RoundEndpoints.Deps>();
        services.AddSingleton<AgreementCommands>();
        services.AddSingleton<AgreementEndpoints.Deps>();
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<CoordinatorPages.Deps>();
        services.AddSingleton<AgreementPages.Deps>();
        services.AddSingleton<RespondEndpoints.Deps>();
        var oidc = config.GetSection("Auth:Oidc").Get<OidcOptions>() ?? new OidcOptions();
        if (oidc.Enabled && string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            throw new InvalidOperationException("Auth:Oidc:Authority is set but Auth:Oidc:ClientId is not: give the app registration's client id, or remove the authority to sign in with keys only.");
        }

        services.AddCoordinatorSession(oidc, builder.Environment.IsDevelopment());
        services.AddSingleton<ApiKeyFilter>();
        var jwt = config.GetSection("Auth:Jwt").Get<JwtOptions>() ?? new JwtOptions();
        services.AddSingleton(jwt);
        if (jwt.Enabled)
        {
            services.AddAuthentication(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme)
                .AddJwtBearer(bearer =>
                {
                    bearer.Authority = jwt.Authority;
                    bearer.Audience = jwt.Audience;
                    bearer.MapInboundClaims = false;
                    bearer.TokenValidationParameters.ValidAudience = jwt.Audience;
                    bearer.TokenValidationParameters.ValidIssuer = jwt.Issuer ?? jwt.Authority;
                    bearer.TokenValidationParameters.RoleClaimType = "roles";
                    if (jwt.SigningKey is { Length: > 0 } key)
                    {
                        bearer.TokenValidationParameters.IssuerSigningKey = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Convert.FromBase64String(key));
                    }
                });
            services.AddAuthorization();
        }

        // One key ring for every instance and restart: cookies and anti-forgery tokens outlive the process that made them.
        services.AddDataProtection().SetApplicationName("SignOff");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new BlobKeyRepository(sp.GetRequiredService<StorageClients>().DataProtectionKeys)));
        services.AddProblemDetails();
        services.AddSingleton<PlainAnswers>();
        services.AddSingleton<UploadLimit>();
        services.AddExceptionHandler<EdgeExceptionHandler>();
        // A body the framework cannot read throws, in every environment, so EdgeExceptionHandler answers it the same everywhere.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddAntiforgery();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(RoundJson.EnumConverter));

        // Uploads: the document limit plus room for the form's other fields (UploadLimit answers for all three).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxDocumentBytes + UploadLimit.FormAllowance);
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxDocumentBytes + UploadLimit.FormAllowance);
    }

    /// <summary>The agreement register over a runtime's engine, and the round effect that opens agreements in it.</summary>
    /// <remarks>With the engine, never apart: a host with the handler and no engine could not open an agreement, and one with the engine and no handler would never be asked to.</remarks>
    public static IServiceCollection AddAgreementRegister<TEngine>(this IServiceCollection services)
        where TEngine : class, IAgreementEngine
    {
        // One instance, reachable as itself too: the local host's tests and benchmark settle the register through it.
        services.AddSingleton<TEngine>();
        services.AddSingleton<IAgreementEngine>(sp => sp.GetRequiredService<TEngine>());
        services.AddSingleton<IEffectHandler, SignOff.Host.Register.RecordInRegisterHandler>();
        return services;
    }

    /// <summary>Rounds run on the Durable Task Framework's worker in this process, over SignOff's storage.</summary>
    public static IServiceCollection AddLocalDurableRuntime(this IServiceCollection services)
    {
        services.AddSingleton<LocalDurableRuntime>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalDurableRuntime>());
        services.AddSingleton<DurableRoundEngine>();
        services.AddSingleton<IRoundEngine>(sp => sp.GetRequiredService<DurableRoundEngine>());
        services.AddAgreementRegister<DurableAgreementEngine>();
        services.AddSingleton<IWebhookRuns, TaskHubWebhookRuns>();
        return services;
    }

    public static async Task UseSignOffAsync(this WebApplication app)
    {
        app.Logger.LogInformation("Mail goes by {Transport}", app.Services.GetRequiredService<IMailTransport>().Name);
        await app.Services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<UploadLimit>();
        var jwt = app.Services.GetRequiredService<JwtOptions>();
        if (jwt.Enabled || app.Services.GetRequiredService<OidcOptions>().Enabled)
        {
            // Also where the organisation sign-in's callback (/sign-in/oidc) is answered.
            app.UseAuthentication();
        }

        if (jwt.Enabled)
        {
            app.UseAuthorization();
        }

        app.UseAntiforgery();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference(ApiDocs.Path, ApiDocs.Configure);
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapGet("/assets/signoff.css", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(Stylesheet.Value, "text/css; charset=utf-8");
        }).ExcludeFromDescription();
        app.MapRoundApi();
        app.MapAgreementApi().AnswersCoordinatorProblems();
        app.MapAgreementRoundApi().AnswersCoordinatorProblems();
        app.MapWebhookApi();
        app.MapEventFeedApi();
        app.MapCoordinatorSession();
        app.MapCoordinatorPages();
        app.MapAgreementPages();
        app.MapRespond();
        app.MapDevClock();
    }

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(SignOffHosting).Assembly.GetManifestResourceStream("SignOff.Host.signoff.css")
            ?? throw new InvalidOperationException("The stylesheet is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static BankHolidays LoadHolidays(string? refreshedFile) =>
        refreshedFile is not null && File.Exists(refreshedFile)
            ? BankHolidays.Embedded.MergeNewer(BankHolidays.Parse(File.ReadAllText(refreshedFile)))
            : BankHolidays.Embedded;

    private static GovernanceRouteCatalog LoadRoutes(string workflows) =>
        GovernanceRouteCatalog.Parse(Directory.EnumerateFiles(Path.Combine(workflows, "governance"), "*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllText(f))));
}

/// <summary>Where SignOff's round entities and orchestrations run.</summary>
public enum DurableRuntime
{
    /// <summary>On the Durable Task Framework's worker in this process (the local host, the tests).</summary>
    Local,

    /// <summary>On a runtime the host brings (Durable Functions in the Functions app).</summary>
    External,
}
