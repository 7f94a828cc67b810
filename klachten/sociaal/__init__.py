"""Social media as a channel (issue 21): the label's monitoring tool posts what it finds to a
signed webhook, and takes our replies on its own.

Modules: handtekening (HMAC-SHA256 over "<timestamp>.<body>", the secrets kept encrypted),
schema (the payload, validated field by field), ontvangen (an event becomes a complaint or a
customer's message, in one transaction, once), views (the webhook), uitgaand (a reply through
the outbox to the tool's outgoing webhook; in public only the label's invitation to continue
privately). The README's section "Social media channel" documents payload and signature.
"""
