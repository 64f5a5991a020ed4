"""Meetings in calendars: the feeds and the iTIP events of invitations (``ics``), the calendar
part of meeting mail (``imip``), the import of calendar replies (``replies``) and the pages
that serve and manage them (``views``)."""
