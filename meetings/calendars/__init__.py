"""Meetings in calendars: the iCalendar events of meetings and series (``ics``), the calendars
people subscribe to or download (``feeds``), the calendar part of meeting mail (``imip``), the
import of calendar replies (``replies``) and the pages that serve and manage them (``views``)."""
