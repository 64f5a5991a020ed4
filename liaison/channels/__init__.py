"""Notices beside mail: 企业微信 and 钉钉 group robots, SMS and the in-app inbox.

``dispatch.notify`` records one ``ChannelDelivery`` per channel and recipient (and the inbox
notices) in the caller's transaction; ``sending`` sends them in the worker, with retries,
backoff and each robot's rate limit, a failure on one channel never stopping the others.
``wecom``, ``dingtalk`` and ``sms`` write and post the messages through ``transport``.
"""
