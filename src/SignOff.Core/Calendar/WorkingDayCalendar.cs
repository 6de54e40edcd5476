namespace SignOff.Core.Calendar;

// CONTRACT (implementation to follow): see BankHolidays and WorkingDayCalendar.
