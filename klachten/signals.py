"""What klachten announces to the other apps (they subscribe; klachten imports none of them).

Sent after the transaction commits, with the complaint's primary key as `klacht_id`, except
klacht_geanonimiseerd (see there).
"""

from django.dispatch import Signal

klacht_beantwoord = Signal()  # the gemotiveerd antwoord (or the reconsideration answer) was sent
klacht_afgesloten = Signal()  # the complaint was closed (also: not admissible, direct opgelost)

# Complaints are being anonymised (retention period or a customer's erasure, klachten.avg). Sent
# INSIDE the anonymising transaction, before the data is wiped, so a receiver removes the
# customer from its own texts in that same transaction (a rollback undoes both):
# `persoonsgegevens` maps each klacht id to every name, e-mail address, phone and policy number
# the complaint had (earlier versions included); `op` is the moment.
klacht_geanonimiseerd = Signal()
