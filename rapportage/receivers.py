"""What rapportage does when klachten announces something (klachten.signals; klachten imports
no app of ours, DESIGN.md section 8)."""

from klachten import avg
from rapportage.models import Dossierreview


def klacht_geanonimiseerd(sender, persoonsgegevens: dict[int, list[str]], **kwargs) -> None:
    """The directie's findings on a reviewed dossier keep what they found, not who the customer
    was: in the anonymising transaction, the customer's name, e-mail, phone and policy number
    are replaced (AVG; DESIGN.md section 10)."""
    avg.teksten_anonimiseren(Dossierreview.objects.all(), "opmerkingen", persoonsgegevens)
