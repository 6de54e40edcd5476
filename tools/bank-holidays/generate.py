#!/usr/bin/env python3
"""Generates src/SignOff.Core/Calendar/bank-holidays.json in the gov.uk bank-holidays.json format.

The statutory rules plus the one-off proclamations of 2018-2028 (VE Day 2020, the Platinum
Jubilee 2022, the State Funeral 2022, the Coronation 2023). Re-run and review the diff when a new
proclamation is made; the host may also refresh from the official source when configured.
"""
import datetime as dt
import json
import pathlib

FIRST, LAST = 2018, 2028
D = dt.date


def easter(y):
    a = y % 19
    b, c = divmod(y, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return D(y, month, day)


def first_monday(y, m):
    d = D(y, m, 1)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


def last_monday(y, m):
    d = D(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=d.weekday())


def place_fixed(events, taken, fixed_days):
    """Fixed-date holidays. One on a weekend moves to the next weekday that is not already a
    holiday; those on weekdays are placed first, so a substitute never lands on one (Christmas
    2022 fell on a Sunday: Boxing Day stayed on Monday 26th, Christmas moved to Tuesday 27th)."""
    for title, day in fixed_days:
        if day.weekday() < 5:
            events.append((day, title, "", True))
            taken.add(day)
    for title, day in fixed_days:
        if day.weekday() >= 5:
            sub = day
            while sub.weekday() >= 5 or sub in taken:
                sub += dt.timedelta(days=1)
            events.append((sub, title, "Substitute day", True))
            taken.add(sub)


def place_new_year_scotland(events, taken, y):
    """Scotland's New Year pair is a chain, unlike Christmas: when 1 January is a Sunday, New
    Year's Day takes Monday 2nd and "2nd January" moves to Tuesday 3rd (gov.uk, 2023)."""
    day = D(y, 1, 1)
    for title, wanted in (("New Year’s Day", D(y, 1, 1)), ("2nd January", D(y, 1, 2))):
        day = max(day, wanted)
        while day.weekday() >= 5 or day in taken:
            day += dt.timedelta(days=1)
        events.append((day, title, "" if day == wanted else "Substitute day", True))
        taken.add(day)
        day += dt.timedelta(days=1)


def year(y, division):
    ev = []
    taken = set()
    gf = easter(y) - dt.timedelta(days=2)
    movable = [(gf, "Good Friday", "", False)]
    if division != "scotland":
        # gov.uk publishes Easter Monday 2020 without bunting (lockdown); kept for fidelity.
        movable.append((easter(y) + dt.timedelta(days=1), "Easter Monday", "", y != 2020))

    early_may = first_monday(y, 5)
    spring = last_monday(y, 5)
    if y == 2020:
        movable.append((D(2020, 5, 8), "Early May bank holiday (VE day)", "", True))
    else:
        movable.append((early_may, "Early May bank holiday", "", True))
    if y == 2022:
        movable.append((D(2022, 6, 2), "Spring bank holiday", "", True))
        movable.append((D(2022, 6, 3), "Platinum Jubilee bank holiday", "", True))
        movable.append((D(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II", "", False))
    else:
        movable.append((spring, "Spring bank holiday", "", True))
    if y == 2023:
        movable.append((D(2023, 5, 8), "Bank holiday for the coronation of King Charles III", "", True))
    summer = first_monday(y, 8) if division == "scotland" else last_monday(y, 8)
    movable.append((summer, "Summer bank holiday", "", True))
    for m in movable:
        taken.add(m[0])
    ev.extend(movable)

    fixed_days = []
    if division == "scotland":
        place_new_year_scotland(ev, taken, y)
    else:
        fixed_days.append(("New Year’s Day", D(y, 1, 1)))
    if division == "northern-ireland":
        fixed_days.append(("St Patrick’s Day", D(y, 3, 17)))
        fixed_days.append(("Battle of the Boyne (Orangemen’s Day)", D(y, 7, 12)))
    if division == "scotland":
        fixed_days.append(("St Andrew’s Day", D(y, 11, 30)))
    fixed_days.append(("Christmas Day", D(y, 12, 25)))
    fixed_days.append(("Boxing Day", D(y, 12, 26)))
    place_fixed(ev, taken, fixed_days)
    return ev


def main():
    out = {}
    for division in ("england-and-wales", "scotland", "northern-ireland"):
        events = []
        for y in range(FIRST, LAST + 1):
            events.extend(year(y, division))
        events.sort(key=lambda e: e[0])
        out[division] = {
            "division": division,
            "events": [
                {"title": t, "date": d.isoformat(), "notes": n, "bunting": b} for d, t, n, b in events
            ],
        }
    target = pathlib.Path(__file__).resolve().parents[2] / "src/SignOff.Core/Calendar/bank-holidays.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
