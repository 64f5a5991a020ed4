"""The dashboard and the reports for officials (PDF and ``.xlsx``), made in the background and
kept; they read the figures of every app below them and are read by none."""
