"""Meetings in calendars: the feeds and the iTIP events of invitations (``ics``), the import
of calendar replies (``replies``) and the pages that serve and manage them (``views``)."""
