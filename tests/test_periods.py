"""Periods: calendar terms, year/quarter/month labels, breakpoints, and clear errors for bad files and dates."""
from __future__ import annotations

import pandas as pd
import pytest

from desec_nlp.errors import InputError
from desec_nlp.periods import (add_periods, assign_periods, default_calendar_path, keep_periods, load_breakpoints,
                               load_calendar, parse_dates)


def _dates(*values: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


def test_shipped_calendar_loads_with_the_five_terms():
    calendar = load_calendar()
    assert default_calendar_path().is_file()
    assert list(calendar["name"]) == ["Fox", "Calderón", "Peña Nieto", "López Obrador", "Sheinbaum"]
    assert calendar.loc[3, "end"] == pd.Timestamp("2024-09-30")


def test_administration_boundaries_are_inclusive_and_ordered():
    dates = _dates("2006-11-30", "2006-12-01", "2012-11-30", "2018-12-01", "2024-09-30", "2024-10-01",
                   "2031-05-01", "1990-01-01")
    periods = assign_periods(dates, "administration")
    assert list(periods.astype(object).where(periods.notna(), None)) == [
        "Fox", "Calderón", "Calderón", "López Obrador", "López Obrador", "Sheinbaum", "Sheinbaum", None]
    assert periods.cat.ordered
    assert list(periods.cat.categories)[:2] == ["Fox", "Calderón"]


@pytest.mark.parametrize("by, expected", [("year", ["2009", "2019", "2019"]),
                                          ("quarter", ["2009Q4", "2019Q1", "2019Q2"]),
                                          ("month", ["2009-12", "2019-03", "2019-04"])])
def test_calendar_periods(by, expected):
    periods = assign_periods(_dates("2009-12-17", "2019-03-31", "2019-04-01"), by)
    assert [str(p) for p in periods] == expected
    assert list(periods.cat.categories) == sorted(set(expected))


def test_user_calendar_replaces_the_shipped_one(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text("# my eras\nname,start,end\nEarly,2000-01-01,2009-12-31\nLate,2010-01-01,\n", encoding="utf-8")
    periods = assign_periods(_dates("2005-06-01", "2015-06-01"), "administration", path)
    assert [str(p) for p in periods] == ["Early", "Late"]


@pytest.mark.parametrize("content, message, line", [
    ("name,begin,end\nA,2000-01-01,2001-01-01\n", "missing ['start']", 1),
    ("name,start,end\nA,2000-13-01,2001-01-01\n", "start '2000-13-01' is not a date", 2),
    ("name,start,end\nA,2000-01-01,2001-01-01\nB,2002-01-01,2001-01-01\n", "ends (2001-01-01) before it starts", 3),
    ("name,start,end\nA,2000-01-01,2005-01-01\nB,2004-01-01,2008-01-01\n", "starts before 'A' ends", 3),
    ("name,start,end\nA,2000-01-01,2001-01-01\nA,2002-01-01,2003-01-01\n", "listed twice", 3),
])
def test_bad_calendar_names_file_and_line(tmp_path, content, message, line):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_calendar(path)
    assert message in str(info.value)
    assert info.value.path == str(path) and info.value.line == line


def test_missing_calendar_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_calendar(tmp_path / "nope.csv")


def test_breakpoints_file(tmp_path):
    path = tmp_path / "eras.txt"
    path.write_text("date,label\n2016-06-01,after reform\n# comment\n2008-06-01\n", encoding="utf-8")
    terms = load_breakpoints(path)
    assert list(terms["name"]) == ["before 2008-06-01", "from 2008-06-01", "after reform"]
    periods = assign_periods(_dates("2001-01-01", "2008-06-01", "2016-05-31", "2016-06-01"), str(path))
    assert [str(p) for p in periods] == ["before 2008-06-01", "from 2008-06-01", "from 2008-06-01", "after reform"]


def test_bad_breakpoint_names_the_line(tmp_path):
    path = tmp_path / "eras.txt"
    path.write_text("2008-06-01\n2016/06/01\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_breakpoints(path)
    assert info.value.line == 2 and "2016/06/01" in str(info.value)


def test_unknown_period_is_a_clear_error():
    with pytest.raises(InputError, match="choose one of"):
        assign_periods(_dates("2010-01-01"), "decade")


def test_record_dates_missing_stay_missing_but_bad_ones_are_errors():
    parsed = parse_dates(pd.Series(["2010-05-02", None, ""]))
    assert parsed.iloc[0] == pd.Timestamp("2010-05-02") and parsed.iloc[1:].isna().all()
    with pytest.raises(InputError, match=r"1 record\(s\).*doc9:3: 'ayer'"):
        parse_dates(pd.Series(["2010-05-02", "ayer"]), pd.Series(["doc1:0", "doc9:3"]))


def test_add_periods_needs_a_date_column():
    with pytest.raises(InputError, match="no 'date' column"):
        add_periods(pd.DataFrame({"text": ["x"]}), "year")
    out = add_periods(pd.DataFrame({"date": ["2010-01-01", None]}), "year")
    assert str(out["period"].iloc[0]) == "2010" and pd.isna(out["period"].iloc[1])


def test_keep_periods_skips_the_middle_term():
    periods = assign_periods(_dates("2008-01-01", "2014-01-01", "2020-01-01"), "administration")
    kept = keep_periods(periods, ["López Obrador", "Calderón"])
    assert list(kept.cat.categories) == ["Calderón", "López Obrador"]  # chronological, whatever the order given
    assert pd.isna(kept.iloc[1])
    with pytest.raises(InputError, match="unknown period"):
        keep_periods(periods, ["Salinas"])
