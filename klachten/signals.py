"""What klachten announces to the other apps (they subscribe; klachten imports none of them).

Sent after the transaction commits, with the complaint's primary key as `klacht_id`.
"""

from django.dispatch import Signal

klacht_beantwoord = Signal()  # the gemotiveerd antwoord (or the reconsideration answer) was sent
klacht_afgesloten = Signal()  # the complaint was closed (also: not admissible, direct opgelost)
