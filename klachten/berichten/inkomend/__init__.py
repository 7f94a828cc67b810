"""The e-mail channel, inbound (issue 17; DESIGN.md section 12): messages read from a label's
mailbox (IMAP, or a local folder in development, or a file imported by `manage.py
mail_importeren`) are stored raw first (`opslaan`), then processed once (`verwerken`): classified
(auto-replies, bounces, spam, loops, size), threaded onto a dossier (our Message-ID, the secret in
the reply address, the dossiernummer from the dossier's own customer) and landed as a customer
message or a new complaint. The public functions are exported from klachten.berichten.

Modules: lezen (parsing), verwerken (store, classify, thread, land), bronnen (the local folder and
file import), imap (the IMAP source)."""
