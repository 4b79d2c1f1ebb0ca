"""Meetings as iCalendar (RFC 5545): the invitation to one meeting and a contract's feed.

Nothing personal goes in: the body, the date, the place, the agenda's points and the page's
address. Times are Europe/Paris with their VTIMEZONE; a meeting without a start time is a
whole-day event."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from quartiers.governance.enums import MeetingStatus

PRODID = "-//quartiers//réunions des contrats de ville//FR"


def _event(meeting, base_url: str) -> icalendar.Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    event = icalendar.Event()
    event.add("uid", f"{meeting.uuid}@quartiers")
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.body.name} — {meeting.contract.name}")
    if meeting.start_time is None:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + datetime.timedelta(days=1))
    else:
        start = datetime.datetime.combine(meeting.date, meeting.start_time, tzinfo=zone)
        end = (
            datetime.datetime.combine(meeting.date, meeting.end_time, tzinfo=zone)
            if meeting.end_time
            else start + datetime.timedelta(hours=2)
        )
        event.add("dtstart", start)
        event.add("dtend", end)
    location = meeting.place or meeting.video_url
    if location:
        event.add("location", location)
    url = base_url + meeting.get_absolute_url()
    event.add("url", url)
    lines = [f"- {entry.title}" for entry in meeting.entries.all()]
    if meeting.video_url:
        lines.append(f"Visioconférence : {meeting.video_url}")
    lines.append(f"Page de la réunion : {url}")
    event.add("description", "Ordre du jour :\n" + "\n".join(lines) if lines else url)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar(meetings, *, name: str, base_url: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting, base_url))
    cal.add_missing_timezones()
    return cal.to_ical()
