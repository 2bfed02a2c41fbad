"""``lazos news``: China–LAC events in the news (GDELT 2.0), month by month, and the events themselves.

By default a table of monthly indicators per country and family (method.yaml ``news_events``):
how many cooperation (CAMEO 03-06) and conflict (CAMEO 11-14) events, their articles and the
articles' tone. ``--events`` lists the events with the article each was read in, the evidence
behind the counts and behind the news alerts of ``lazos alerts``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from lazos.cli.common import AsOfOpt, DbOpt, FormatOpt, LimitOpt, SortOpt, open_db
from lazos.cli.output import Format, console, emit, plain

NEWS_HEADERS = {
    "name": "Country",
    "month": "Month",
    "family": "Family",
    "events": "Events",
    "articles": "Articles",
    "tone_shown": "Tone",
}
EVENT_HEADERS = {
    "day": "Day",
    "country": "Country",
    "family": "Family",
    "event_code": "CAMEO",
    "actors": "Actors",
    "match": "Found by",
    "num_articles": "Articles",
    "source_url": "Article",
}


def news(
    country: Annotated[str | None, typer.Argument(help="Country name or code (default: every CELAC state).")] = None,
    family: Annotated[
        str | None, typer.Option("--family", help="Only this family of events: cooperation or conflict.")
    ] = None,
    events: Annotated[
        bool, typer.Option("--events", help="List the events themselves, each with the article it was read in.")
    ] = False,
    month: Annotated[
        str | None, typer.Option("--month", help="With --events: only the events of this month (YYYY-MM).")
    ] = None,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """China–LAC events in the news (GDELT 2.0): cooperation and conflict, month by month.

    Per country and month: how many events GDELT coded from the news of cooperation (CAMEO
    03-06) and of disapproval, rejection, threats and protests (CAMEO 11-14), their articles
    and the articles' mean tone (method.yaml news_events). Counts measure news coverage, not
    events. --events lists the events with their articles; --as-of counts an event once its
    day and the day GDELT published it are both on or before the date.
    """
    with open_db(db) as lz:
        if events or month:
            result = lz.news_events(country, as_of=as_of, family=family, month=month)
        else:
            result = lz.news_indicators(country, as_of=as_of, family=family)
    frame = result.frame
    if events or month:
        sides = [
            ((r.actor1_name, r.actor1_code), (r.actor2_name, r.actor2_code)) for r in frame.itertuples(index=False)
        ]
        actors = [" → ".join(str(plain(n) or plain(c) or "?") for n, c in pair) for pair in sides]
        emit(result, fmt, EVENT_HEADERS, "News events", limit=limit, sort=sort, shown={"actors": actors})
    else:
        if fmt is Format.csv:
            result = result.with_frame(frame.assign(sources=[";".join(s) for s in frame["sources"]]), result.sources)
        tones = ["" if plain(t) is None else f"{t:+.2f}" for t in frame["tone"]]
        emit(
            result,
            fmt,
            NEWS_HEADERS,
            "News events by month",
            limit=limit,
            sort=sort,
            shown={"tone_shown": tones},
            sort_keys={"tone_shown": frame["tone"]},
        )
    if fmt is Format.table and result.note:
        console.print(Text(result.note, style="dim"), soft_wrap=True)
