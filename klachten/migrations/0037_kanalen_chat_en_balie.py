"""Issue 21: chat and a visit at an office (balie) as channels for staff intake, with their
reaction terms as data; and the external bodies the insurers' texts name beside the ones seeded
in 0003 (Kifid, SKGZ, the Belgian Ombudsman van de Verzekeringen, the court).

- Reaction terms: the demo's health-insurance label (slug `zorgzaam`, CZ's "bellen, mailen,
  chatten of bezoeken") publishes chat 4 hours and balie 1 working day, when it exists and has no
  term for the channel yet (the beheerder edits them: admin, Labels, Reactietermijnen). Other
  labels get none: a label without a term does not name the channel on its procedure page.
- External bodies (only when their code is not there yet; never a second row of a body):
  the Tuchtraad Financiële Dienstverlening, where a customer of a legal-aid insurer such as ARAG
  can report conduct against the Gedragscode Verzekeraars beside a dispute at Kifid; and the
  Ombudsdienst of a Belgian ziekenfonds' landsbond, the second line a Belgian label's customers
  turn to. Contact details that could not be confirmed are left empty for the beheerder.
"""

from django.db import migrations, models

REACTIETERMIJNEN = {"zorgzaam": [("chat", 4, "uren"), ("balie", 1, "werkdagen")]}

INSTANTIES = [
    {
        "code": "tuchtraad-fd",
        "naam": "Tuchtraad Financiële Dienstverlening",
        "naam_en": "Tuchtraad Financiële Dienstverlening (Dutch Financial Services Disciplinary Board)",
        "naam_fr": "Tuchtraad Financiële Dienstverlening (Conseil disciplinaire des services financiers)",
        "website": "https://www.tuchtraadfd.nl",
        "maanden_na_standpunt": None,
        "maanden_na_klacht": None,
        "adres": "",
        "telefoon": "",
        "escalatie_tekst": (
            "Vindt u dat wij ons niet aan de gedragsregels voor verzekeraars hebben gehouden? Dan "
            "kunt u dat gratis melden bij de {{ instantie }} ({{ website }}). Die beoordeelt ons "
            "gedrag, niet uw geschil: daarvoor kunt u naar Kifid of naar de rechter."
        ),
        "escalatie_tekst_en": (
            "Do you feel we did not keep to the code of conduct for insurers? Then you can report "
            "this free of charge to the {{ instantie }} ({{ website }}). It judges our conduct, not "
            "your dispute: for that you can go to Kifid or to court."
        ),
        "escalatie_tekst_fr": (
            "Vous estimez que nous n'avons pas respecté le code de conduite des assureurs ? Vous "
            "pouvez alors le signaler gratuitement au {{ instantie }} ({{ website }}). Il juge notre "
            "comportement, pas votre litige : pour celui-ci, vous pouvez vous adresser au Kifid ou "
            "au tribunal."
        ),
    },
    {
        "code": "ombudsdienst-ziekenfonds",
        "naam": "Ombudsdienst van het ziekenfonds",
        "naam_en": "Ombudsman service of the health fund (ziekenfonds)",
        "naam_fr": "Service de médiation de la mutualité",
        "website": "",
        "maanden_na_standpunt": None,
        "maanden_na_klacht": None,
        "adres": "",
        "telefoon": "",
        "escalatie_tekst": (
            "Bent u het niet eens met dit definitieve standpunt? Dan kunt u uw klacht gratis "
            "voorleggen aan de {{ instantie }}. U kunt ook naar de arbeidsrechtbank of de rechter."
        ),
        "escalatie_tekst_en": (
            "Do you disagree with this final position? Then you can submit your complaint free of "
            "charge to the {{ instantie }}. You can also go to the labour court or another court."
        ),
        "escalatie_tekst_fr": (
            "Vous n'êtes pas d'accord avec cette position définitive ? Vous pouvez alors soumettre "
            "gratuitement votre plainte au {{ instantie }}. Vous pouvez aussi saisir le tribunal du "
            "travail ou un autre tribunal."
        ),
    },
]


def kanalen_en_instanties(apps, schema_editor):
    Label = apps.get_model("klachten", "Label")
    Reactietermijn = apps.get_model("klachten", "Reactietermijn")
    ExterneInstantie = apps.get_model("klachten", "ExterneInstantie")
    for slug, regels in REACTIETERMIJNEN.items():
        label = Label.objects.filter(slug=slug).first()
        if label is None:
            continue
        for kanaal, aantal, eenheid in regels:
            Reactietermijn.objects.get_or_create(
                label=label, kanaal=kanaal, defaults={"aantal": aantal, "eenheid": eenheid}
            )
    for gegevens in INSTANTIES:
        if ExterneInstantie.objects.filter(naam=gegevens["naam"]).exists():
            continue  # the beheerder made it already, under another code
        ExterneInstantie.objects.get_or_create(code=gegevens["code"], defaults=gegevens)


class Migration(migrations.Migration):

    dependencies = [
        ('klachten', '0036_werkvoorraad_zoeken'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalklacht',
            name='kanaal',
            field=models.CharField(choices=[('webformulier', 'Webformulier'), ('telefoon', 'Telefoon'), ('e-mail', 'E-mail'), ('brief', 'Brief'), ('social media', 'Social media'), ('chat', 'Chat'), ('balie', 'Balie (bezoek aan een kantoor)'), ('kto', 'Klanttevredenheidsonderzoek (KTO)'), ('medewerker', 'Via medewerker')], max_length=20, verbose_name='kanaal'),
        ),
        migrations.AlterField(
            model_name='klacht',
            name='kanaal',
            field=models.CharField(choices=[('webformulier', 'Webformulier'), ('telefoon', 'Telefoon'), ('e-mail', 'E-mail'), ('brief', 'Brief'), ('social media', 'Social media'), ('chat', 'Chat'), ('balie', 'Balie (bezoek aan een kantoor)'), ('kto', 'Klanttevredenheidsonderzoek (KTO)'), ('medewerker', 'Via medewerker')], max_length=20, verbose_name='kanaal'),
        ),
        migrations.AlterField(
            model_name='reactietermijn',
            name='kanaal',
            field=models.CharField(choices=[('webformulier', 'Webformulier'), ('telefoon', 'Telefoon'), ('e-mail', 'E-mail'), ('brief', 'Brief'), ('social media', 'Social media'), ('chat', 'Chat'), ('balie', 'Balie (bezoek aan een kantoor)'), ('kto', 'Klanttevredenheidsonderzoek (KTO)'), ('medewerker', 'Via medewerker')], max_length=20, verbose_name='kanaal'),
        ),
        migrations.RunPython(kanalen_en_instanties, migrations.RunPython.noop),
    ]
