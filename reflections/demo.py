"""Demo data of the reflections app: the framework of both demo circles, and reflections."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from leerkring.demo import (
    COURSE_SLUG,
    FIRST_CIRCLE_SLUG,
    DemoContext,
    add_months,
    at,
    first_circle_period,
)
from leerkring.models import Circle, CoreQuestion, User
from leerkring.roles import Role as CircleRole
from municipalities.models import Membership
from reflections import services
from reflections.models import (
    Framework,
    FreeCode,
    MeetingPrompt,
    Passage,
    Practice,
    Reflection,
    Role,
    Value,
    ValueNote,
)
from sessions.models import Meeting, Registration

# --- The framework ---


def seed_framework(context: DemoContext) -> None:
    """The seeds' framework, version 1, in both demo circles; a circle that has one keeps it."""
    researcher = User.objects.filter(email="onderzoeker@example.org").first()
    for circle in Circle.objects.filter(slug__in=[FIRST_CIRCLE_SLUG, COURSE_SLUG]):
        services.install_default_framework(circle, by=researcher)


# --- Reflections (seed_reflections) ---

AUTHORS = {
    "anna": "ambtenaar@example.org",
    "bram": "bram.breda@example.org",
    "fatima": "fatima.tilburg@example.org",
    "joost": "joost.tilburg@example.org",
    "sanne": "sanne.dordrecht@example.org",
    "emre": "emre.eindhoven@example.org",
    "cor": "contact.breda@example.org",
    "tineke": "contact.tilburg@example.org",
    "dirk": "contact.dordrecht@example.org",
}

R, P, M, C = "researchers", "private", "municipality", "circle"
NONE, ANON, NAMED = "none", "anonymous", "named"
S, D, BOTH = "served", "strained", "both"


def case(author, month, title, situation, roles, practices, values, tension, professional,
         local, lesson, questions, visibility=R, consent=NONE, draft=False, switch=None,
         meeting=False) -> dict:  # fmt: skip
    return {
        "author": author,
        "month": month,
        "title": title,
        "situation": situation,
        "roles": roles,
        "practices": practices,
        "values": values,
        "tension": tension,
        "professional": professional,
        "local": local,
        "lesson": lesson,
        "questions": questions,
        "visibility": visibility,
        "consent": consent,
        "draft": draft,
        "switch": switch,
        "meeting": meeting,
    }


# `month`: months after the circle began (about fifteen months ago), so the cases fall in three
# half-years. `roles`: the first is the main one. `switch`: (from, to, why). `values`: code →
# (served/strained/both, how). `questions`: the core questions' numbers.
CASES = [
    case("anna", 1, "Buurtbudget Haagse Beemden: wie beslist er eigenlijk?",
         "De wijkraad kreeg dit jaar voor het eerst €80.000 om zelf te verdelen. Bij de eerste "
         "ronde stemden vooral de vaste gezichten van de bewonersvereniging.",
         ["faciliteren", "sturen"], ["buurtbudget"],
         {"gelijkheid-en-inclusie": (D, "Jongeren en nieuwe bewoners van de flats waren er "
          "niet bij."), "verantwoording": (S, "Alle besluiten staan openbaar op de wijksite.")},
         "De subsidieregeling eist een rechtspersoon; de wijkraad is een informele groep.",
         "Kennis van de subsidieregels en van eerdere buurtbudgetten in Breda-Noord.",
         "De wijkraad wist precies welke speeltuin al jaren kapot is.",
         "Faciliteren is niet hetzelfde als achterover leunen: ik had eerder moeten vragen wie "
         "er níet aan tafel zat.", [1, 6], visibility=C, consent=NAMED,
         switch=("faciliteren", "sturen", "Toen bleek dat de flats niet meededen, heb ik "
                 "voorgesteld een tweede avond in het buurthuis te organiseren."), meeting=True),
    case("anna", 4, "Een tweede stemavond in het buurthuis",
         "Vervolg op het buurtbudget: een inloopavond met tolken Arabisch en Pools, en stemmen "
         "met stickers op grote kaarten van de wijk.",
         ["faciliteren"], ["buurtbudget", "co-creatiesessie"],
         {"gelijkheid-en-inclusie": (S, "Drie keer zoveel deelnemers, veel meer jongeren."),
          "deliberatie": (D, "Met stickers stemmen is geen gesprek; er werd weinig gewogen.")},
         "De verordening zegt niets over stemmen met stickers; juridische zaken twijfelde of "
         "dat telt.",
         "Ervaring met participatieavonden uit mijn vorige baan bij een woningcorporatie.",
         "De buurtconciërge wist welke mensen je persoonlijk moet uitnodigen.",
         "Inclusie en deliberatie trekken soms aan elkaar: meer mensen betekende minder gesprek.",
         [6], visibility=C, consent=ANON),
    case("anna", 9, "Wethouder wil het buurtbudget 'bijsturen'",
         "Na de eerste toekenningen vond de wethouder dat er te veel naar 'leuke dingen' ging en "
         "te weinig naar veiligheid.",
         ["regisseren", "faciliteren"], ["buurtbudget"],
         {"verantwoording": (BOTH, "De raad vraagt terecht verantwoording, maar de wijk voelt "
          "zich overruled.")},
         "Het collegeprogramma noemt veiligheid als prioriteit; het buurtbudget is juist vrij "
         "besteedbaar.",
         "Ik ken de bestuurlijke verhoudingen en weet hoe een collegevoorstel loopt.",
         "De wijkraad had zelf al een veiligheidsschouw gedaan met de wijkagent.",
         "Ik stond tussen wijk en wethouder. Het hielp om de schouw van de wijkraad zelf in het "
         "portefeuillehoudersoverleg te laten presenteren.", [2, 3], visibility=R,
         switch=("faciliteren", "regisseren", "De wethouder vroeg om een kader; ik heb dat "
                 "samen met de wijkraad geschreven in plaats van erover.")),
    case("anna", 13, "Evaluatie buurtbudget: wat nemen we mee naar jaar twee?",
         "Evaluatiesessie met wijkraad, wijkmanager en financiën.",
         ["faciliteren"], ["buurtbudget", "co-creatiesessie"],
         {"verantwoording": (S, "Voor het eerst een evaluatie die de wijk zelf mee schreef.")},
         "Financiën wil een strakkere verantwoording per project.",
         "Evaluatiemethoden uit de cursus beleidsevaluatie.",
         "De verhalen van bewoners over wat de projecten voor hen betekenden.",
         "Nog uitwerken.", [1], visibility=P, draft=True),
    case("anna", 7, "Spreekuur van de wijkmanager op het schoolplein",
         "Eens per maand sta ik met koffie op het schoolplein in plaats van in het wijkkantoor.",
         ["faciliteren"], [],
         {"gelijkheid-en-inclusie": (S, "Ouders die nooit naar het wijkkantoor komen, spreken "
          "me nu aan.")},
         "Mijn urenverantwoording kent geen 'schoolplein'.",
         "Gebiedsgericht werken.", "Ouders vertelden over de onveilige fietsroute naar school.",
         "Zichtbaar zijn in de wijk is ook een werkvorm.", [5], visibility=C, consent=ANON),
    case("bram", 2, "Zonnepanelen op de sporthal: de energiecoöperatie van Princenhage",
         "Een energiecoöperatie wil 400 panelen op het dak van een gemeentelijke sporthal. Ze "
         "vragen een dakhuurcontract voor vijftien jaar.",
         ["reguleren", "faciliteren"], ["initiatievenloket"],
         {"gelijkheid-en-inclusie": (D, "Alleen wie geld heeft kan participeren in de "
          "coöperatie."), "verantwoording": (S, "Het contract gaat langs de raad.")},
         "Vastgoed mag gemeentelijk bezit niet onder de marktprijs verhuren; de coöperatie kan "
         "geen marktprijs betalen.",
         "Kennis van het vastgoedbeleid en de staatssteunregels.",
         "De coöperatie had al 120 leden in de wijk en een ervaren penningmeester.",
         "Ik moest eerst reguleren om daarna te kunnen faciliteren: zonder helder contract geen "
         "vertrouwen.", [2, 5], visibility=C, consent=NAMED,
         switch=("reguleren", "faciliteren", "Toen de juridische route helder was, ben ik "
                 "meer gaan meedenken over hun ledenwerving.")),
    case("bram", 6, "De coöperatie wil ook huurders van de corporatie erbij",
         "De coöperatie wil participaties van €50 voor huurders mogelijk maken en vraagt de "
         "gemeente garant te staan.",
         ["sturen", "faciliteren"], ["co-creatiesessie"],
         {"gelijkheid-en-inclusie": (S, "Huurders kunnen nu ook meedoen.")},
         "Garantstelling valt onder het treasurystatuut; daar is geen ruimte voor.",
         "Contacten met de woningcorporatie en de afdeling duurzaamheid.",
         "De voorzitter kent de huurdersvereniging al jaren.",
         "Soms is sturen nodig om een initiatief inclusiever te maken, ook als het initiatief "
         "dat zelf al wil.", [2, 6], visibility=R, consent=ANON, meeting=True),
    case("bram", 11, "Raad vraagt om een participatieparagraaf bij elk raadsvoorstel",
         "Een aangenomen motie vraagt dat elk raadsvoorstel beschrijft hoe inwoners betrokken "
         "zijn.",
         ["regisseren"], ["burgerpanel"],
         {"verantwoording": (S, "De raad krijgt beter zicht op participatie."),
          "deliberatie": (D, "Het risico is een afvinklijstje.")},
         "Het format voor raadsvoorstellen is vol; griffie en concernstaf willen het kort houden.",
         "Ik schrijf zelf veel raadsvoorstellen en weet waar het knelt.",
         "Raadsleden hoorden van bewoners dat die zich niet gehoord voelden.",
         "Een paragraaf is pas wat waard als er ook staat wat er met de inbreng gebeurde.",
         [1, 4], visibility=M),
    case("bram", 9, "Warmtetransitie: een wijk die zelf wil beginnen",
         "Een wijk vraagt om als eerste van het gas af te gaan, met een eigen warmtenet.",
         ["faciliteren", "regisseren"], ["co-creatiesessie"],
         {"gelijkheid-en-inclusie": (D, "Huurders en eigenaren hebben andere belangen."),
          "deliberatie": (S, "Wijkavonden met een energiecoach.")},
         "De transitievisie warmte wijst andere wijken eerst aan.",
         "Kennis van de transitievisie en van de netbeheerder.",
         "Een bewoner werkt als ingenieur bij de netbeheerder.",
         "Een initiatief kan een beleidsvolgorde uitdagen; dat vraagt een bestuurlijke keuze, "
         "geen ambtelijke.", [2, 5], visibility=M, consent=ANON),
    case("bram", 14, "Uitdaagrecht groenonderhoud: eerste aanvraag",
         "Bewoners van een hofje willen zelf het groen onderhouden en het budget daarvoor "
         "overnemen.",
         ["loslaten", "faciliteren"], ["uitdaagrecht"],
         {"gelijkheid-en-inclusie": (BOTH, "Mooi voor het hofje, maar wat als alleen de "
          "actieve wijken dit doen?")},
         "Het onderhoudscontract met de aannemer loopt nog twee jaar.",
         "Kennis van de aanbesteding.", "De bewoners doen het eigenlijk al jaren.",
         "", [2, 3], visibility=P, draft=True),
    case("fatima", 1, "Het initiatievenloket in Tilburg: de eerste honderd dagen",
         "Sinds januari is er één loket voor bewonersinitiatieven. Ik ben een van de drie "
         "loketmedewerkers.",
         ["faciliteren"], ["initiatievenloket"],
         {"gelijkheid-en-inclusie": (S, "Mensen zonder netwerk in het stadhuis weten ons nu te "
          "vinden."), "verantwoording": (D, "We registreren nog niet wat er met aanvragen "
          "gebeurt.")},
         "Elke afdeling houdt zijn eigen regels en termijnen aan; het loket heeft geen mandaat.",
         "Ik ken de organisatie goed na twaalf jaar bij vergunningen.",
         "Sleutelfiguren in de Reeshof die initiatiefnemers naar ons doorverwijzen.",
         "Een loket zonder mandaat wordt een doorgeefluik; we moeten afspraken maken met de "
         "vakafdelingen.", [1, 4], visibility=C, consent=NAMED, meeting=True),
    case("fatima", 5, "Moestuin op braakliggend terrein: van 'kan niet' naar 'hoe wel'",
         "Buurtbewoners willen een moestuin op grond die over vijf jaar bebouwd wordt.",
         ["reguleren", "faciliteren"], ["initiatievenloket"],
         {"deliberatie": (S, "Drie afdelingen en de bewoners samen aan tafel.")},
         "Het bestemmingsplan staat tijdelijk gebruik niet zomaar toe.",
         "Ik wist dat een tijdelijke omgevingsvergunning kan.",
         "Bewoners wisten dat de grond vervuild was bij de oude garage: dat hadden wij gemist.",
         "Lokale kennis voorkwam een fout; ik vraag nu altijd eerst wat bewoners van de plek "
         "weten.", [2, 5], visibility=C, consent=ANON,
         switch=("reguleren", "faciliteren", "Toen de vergunningsvraag beantwoord was, kon ik "
                 "helpen met het bodemonderzoek.")),
    case("fatima", 8, "Straatfeest zonder vergunning",
         "Bewoners organiseerden een straatfeest en kregen een boete van handhaving.",
         ["reguleren", "faciliteren"], [],
         {"verantwoording": (D, "Handhaving en loket spraken elkaar tegen.")},
         "APV en evenementenbeleid.", "Kennis van de APV.",
         "De buurtvereniging organiseert het feest al twintig jaar.",
         "Met handhaving maken we nu afspraken over kleine buurtactiviteiten.", [2, 4]),
    case("fatima", 10, "Klacht over het loket: 'jullie helpen alleen de bekende clubs'",
         "Een groep Eritrese moeders voelde zich van het kastje naar de muur gestuurd.",
         ["sturen", "faciliteren"], ["initiatievenloket"],
         {"gelijkheid-en-inclusie": (D, "Ons loket is in de praktijk niet voor iedereen even "
          "toegankelijk.")},
         "Voorwaarden voor subsidie (KvK, rekeningnummer op naam) sluiten informele groepen uit.",
         "Kennis van de subsidieverordening.",
         "Een sleutelfiguur uit de gemeenschap legde uit waarom de moeders niet terugkwamen.",
         "Gelijke behandeling is niet hetzelfde als gelijke kansen.", [6]),
    case("fatima", 13, "Een nieuwe werkwijze voor informele groepen",
         "We experimenteren met een vertrouwenspersoon die geld kan beheren voor informele "
         "groepen.",
         ["faciliteren"], ["initiatievenloket", "co-creatiesessie"],
         {"gelijkheid-en-inclusie": (S, "Vier nieuwe groepen deden een aanvraag.")},
         "De accountant moest overtuigd worden.", "Samenwerking met de controller.",
         "De moeders zelf hebben de werkwijze bedacht.",
         "In co-creatie kwam een betere oplossing dan ik zelf had bedacht.", [2, 6],
         visibility=C, consent=NAMED),
    case("joost", 2, "Raadsdebat over participatie: de ambtenaar als tolk",
         "De raad debatteerde over de nota 'Samen stad maken'. Ik zat als beleidsmedewerker in "
         "de ambtenarenbank.",
         ["regisseren"], ["burgerpanel"],
         {"deliberatie": (D, "Het debat ging over de vorm, niet over wat inwoners zeiden."),
          "verantwoording": (S, "De nota maakt expliciet wie wat beslist.")},
         "Raadsleden zien participatie soms als concurrentie voor hun eigen rol.",
         "Kennis van de raadscyclus en de nota.",
         "De uitkomsten van het burgerpanel van vorig jaar.",
         "Ik had de stem van inwoners beter in de nota moeten laten doorklinken, niet alleen "
         "het proces.", [1, 6], visibility=C, consent=ANON),
    case("joost", 4, "Digitale participatie: een platform dat niemand gebruikt",
         "We kochten een participatieplatform; na zes maanden stonden er 40 reacties op.",
         ["regisseren"], ["burgerpanel"],
         {"gelijkheid-en-inclusie": (D, "Digitaal bereikt vooral al betrokken inwoners.")},
         "De licentie loopt drie jaar.", "Kennis van digitale middelen.",
         "Bewoners zeiden: kom maar langs in het wijkcentrum.", "Een middel is geen werkvorm.",
         [1, 5], visibility=C, consent=ANON),
    case("joost", 7, "Burgerpanel over de binnenstad: 30 gelote inwoners",
         "We organiseerden een geloot burgerpanel over het autoluw maken van de binnenstad.",
         ["regisseren", "faciliteren"], ["burgerpanel"],
         {"gelijkheid-en-inclusie": (S, "Loting bracht mensen die nooit komen."),
          "deliberatie": (S, "Vier avonden echt gesprek, met experts die ze zelf kozen."),
          "verantwoording": (D, "De raad heeft nog niet gezegd wat hij met het advies doet.")},
         "Ondernemers voelen zich gepasseerd; de BIZ wilde een eigen plek aan tafel.",
         "Ervaring met deliberatieve methoden; het proces ontwierpen we met een bureau.",
         "Bewoners van de binnenstad kenden de sluiproutes beter dan onze verkeersmodellen.",
         "Regisseren betekent ook vooraf met de raad afspreken wat er met het advies gebeurt.",
         [1, 5, 6], visibility=C, consent=NAMED, meeting=True),
    case("joost", 12, "Het advies van het burgerpanel in de raad",
         "De raad nam zeven van de tien aanbevelingen over.",
         ["regisseren"], ["burgerpanel"],
         {"verantwoording": (S, "De raad legde per aanbeveling uit waarom wel of niet.")},
         "Twee aanbevelingen botsen met het parkeerbeleid.",
         "Ik schreef het raadsvoorstel met een reactie per aanbeveling.",
         "Panelleden waren bij het debat en spraken in.", "Terugkoppelen is het halve werk.",
         [1], visibility=M, consent=ANON),
    case("joost", 14, "Wat doe je als het panel iets wil wat niet kan?", "",
         ["sturen"], [], {}, "", "", "", "", [2], visibility=P, draft=True),
    case("sanne", 1, "Uitdaagrecht in de Dordtse zorg: een buurtcoöperatie",
         "Een buurtcoöperatie op het Eiland van Dordrecht wil huishoudelijke hulp zelf "
         "organiseren en daarvoor het Wmo-budget uitdagen.",
         ["reguleren", "faciliteren"], ["uitdaagrecht"],
         {"verantwoording": (BOTH, "Wie is verantwoordelijk als het misgaat?"),
          "gelijkheid-en-inclusie": (S, "Ouderen krijgen hulp van buren die ze kennen.")},
         "De Wmo-aanbesteding loopt; we kunnen niet zomaar een deel gunnen.",
         "Kennis van de Wmo en het aanbestedingsrecht.",
         "De coöperatie kent alle ouderen in de buurt bij naam.",
         "Het uitdaagrecht vraagt om een apart juridisch spoor; zonder dat strandt het.",
         [2, 4], visibility=C, consent=NAMED, meeting=True,
         switch=("reguleren", "faciliteren", "Na het juridisch advies zijn we samen een pilot "
                 "gaan ontwerpen.")),
    case("sanne", 3, "Zorgbuurthuis: een initiatief dat te groot wordt",
         "Een bewonersinitiatief voor een zorgbuurthuis groeit uit tot een organisatie met "
         "betaalde krachten.",
         ["sturen", "faciliteren"], ["initiatievenloket"],
         {"verantwoording": (BOTH, "Meer geld vraagt meer verantwoording; de vrijwilligers "
          "haken af.")},
         "Subsidieplafond en professionaliseringseisen.", "Kennis van het sociaal domein.",
         "De vrijwilligers vertelden wat ze kwijtraken.",
         "Groei van een initiatief vraagt dat ik van rol wissel, niet dat het initiatief zich "
         "aanpast aan ons.", [3, 5], visibility=M, consent=ANON,
         switch=("faciliteren", "sturen", "Bij een subsidieaanvraag van €200.000 moest ik "
                 "eisen stellen.")),
    case("sanne", 5, "Pilot uitdaagrecht: het eerste half jaar",
         "De coöperatie levert nu hulp aan 25 huishoudens.",
         ["faciliteren"], ["uitdaagrecht"],
         {"verantwoording": (S, "Kwartaalrapportages in gewone taal.")},
         "De monitoring die de Wmo vraagt is veel te zwaar voor vrijwilligers.",
         "Ik ken de indicatoren van het sociaal domein.",
         "De coöperatie meet tevredenheid aan de keukentafel.",
         "Verantwoording kan ook in verhalen, niet alleen in cijfers.", [2, 5], consent=ANON),
    case("sanne", 9, "Een zorgaanbieder maakt bezwaar",
         "Een zorgaanbieder stapte naar de rechter omdat de pilot oneerlijke concurrentie zou "
         "zijn.",
         ["reguleren"], ["uitdaagrecht"],
         {"verantwoording": (D, "We moesten ineens alles juridisch onderbouwen.")},
         "Aanbestedingsrecht tegenover lokaal maatwerk.",
         "Juridische kennis, samen met de landsadvocaat.",
         "De coöperatie bleef rustig en ging door.",
         "Soms moet je terug naar reguleren om het initiatief te beschermen.", [2],
         visibility=M),
    case("sanne", 11, "De wijkagent, de jongerenwerker en ik",
         "Overlast op een pleintje; bewoners willen camera's, jongeren een hangplek.",
         ["sturen", "faciliteren"], ["co-creatiesessie"],
         {"gelijkheid-en-inclusie": (BOTH, "Jongeren kregen een stem, maar de ouderen voelden "
          "zich niet serieus genomen."), "deliberatie": (S, "Een gesprek tussen jong en oud.")},
         "Cameratoezicht is een bevoegdheid van de burgemeester.",
         "Kennis van het veiligheidsbeleid.", "De jongerenwerker kende de jongeren bij naam.",
         "Als verbinder moet ik soms kiezen wiens belang voorop gaat.", [3, 6], visibility=M,
         meeting=True),
    case("sanne", 13, "Kernteam sociaal domein: rollen inbedden",
         "We schreven een functieprofiel 'verbinder' voor het sociaal domein.",
         ["sturen"], ["co-creatiesessie"],
         {"deliberatie": (S, "Het profiel is samen met teamleden en initiatiefnemers gemaakt.")},
         "HR heeft vaste functiefamilies.", "Kennis van HR en functiewaardering.",
         "Initiatiefnemers vertelden wat ze van een ambtenaar nodig hebben.",
         "Inbedding in functies gaat over HR-systemen, niet alleen over houding.", [4],
         visibility=C, consent=ANON),
    case("emre", 3, "Strijp-S: bewoners willen een eigen plein",
         "Bewoners willen een leeg kavel tijdelijk inrichten als plein, met eigen meubilair.",
         ["loslaten", "faciliteren"], ["co-creatiesessie"],
         {"gelijkheid-en-inclusie": (D, "Het initiatief is van hoogopgeleide nieuwkomers."),
          "deliberatie": (S, "De ontwerpavonden waren open en druk.")},
         "Aansprakelijkheid voor zelfgebouwd meubilair.",
         "Kennis van openbare ruimte en verzekeringen.",
         "De bewoners hadden een ontwerper en een timmerman in hun midden.",
         "Loslaten kan als je vooraf afspreekt waar de grenzen liggen.", [3], visibility=C,
         consent=NAMED),
    case("emre", 6, "Een raadsvoorstel schrijven met de initiatiefnemers erbij",
         "Voor een buurtcentrum schreven we het raadsvoorstel samen met het bestuur van de "
         "stichting.",
         ["faciliteren"], ["co-creatiesessie"],
         {"verantwoording": (S, "De raad zag dat het voorstel gedragen was.")},
         "De griffie twijfelde of dat mag.", "Kennis van raadsvoorstellen.",
         "De stichting schreef zelf de paragraaf over draagvlak.",
         "Co-creatie kan tot in het raadsvoorstel.", [1, 4], visibility=C, consent=NAMED),
    case("emre", 8, "Wijkvisie Woensel-West: wie spreekt er namens de wijk?",
         "Voor de wijkvisie organiseerden we drie co-creatiesessies.",
         ["regisseren", "sturen"], ["co-creatiesessie"],
         {"gelijkheid-en-inclusie": (D, "Vooral de bekende bewoners kwamen."),
          "deliberatie": (BOTH, "Goede gesprekken, maar over een agenda die wij al hadden.")},
         "Het college wil de wijkvisie voor de zomer.", "Ervaring met gebiedsgericht werken.",
         "Jongerenwerkers brachten ons bij de jongeren op het plein.",
         "De tijdsdruk van het bestuur en de tijd die inclusie kost moet ik eerder bespreekbaar "
         "maken.", [1, 6], consent=ANON, meeting=True,
         switch=("regisseren", "sturen", "Toen bleek dat jongeren ontbraken, heb ik het "
                 "proces bijgestuurd en de planning opgerekt.")),
    case("emre", 12, "Geld van de gemeente, regie bij de wijk?",
         "Het wijkplatform wil zelf beslissen over het leefbaarheidsbudget.",
         ["faciliteren", "loslaten"], ["buurtbudget"],
         {"verantwoording": (D, "De accountant vraagt wie de rechtmatigheid toetst.")},
         "Rechtmatigheidsverantwoording.", "Kennis van de Gemeentewet.",
         "Het wijkplatform heeft een eigen kascommissie.",
         "Vertrouwen opbouwen kost jaren; we beginnen met één potje.", [2, 3], visibility=M),
    case("emre", 14, "Inwoners denken mee over de begroting",
         "Voor het eerst denken inwoners mee over de begroting van volgend jaar.",
         ["regisseren"], ["burgerpanel"], {"deliberatie": (S, "Goed voorbereide avonden.")},
         "", "", "", "", [1], draft=True),
    case("cor", 2, "Als contactpersoon collega's werven voor de leerkring",
         "Ik moest vijf collega's vinden die willen reflecteren op hun eigen werk.",
         ["sturen"], [],
         {"gelijkheid-en-inclusie": (D, "Alleen de enthousiastelingen meldden zich.")},
         "Leidinggevenden zien het als extra werk.", "Ik ken de organisatie en de teamleiders.",
         "", "Werven via teamleiders werkt beter dan via de nieuwsbrief.", [4]),
    case("cor", 7, "Intervisie over het buurtbudget met het wijkteam",
         "Ik begeleidde een intervisie over de ervaringen met het buurtbudget.",
         ["faciliteren"], ["co-creatiesessie"],
         {"deliberatie": (S, "Collega's durfden twijfels uit te spreken.")},
         "", "Intervisiemethoden.", "De verhalen van de wijkmanagers.",
         "Reflecteren met collega's helpt om rollen te benoemen.", [3, 4], visibility=C,
         consent=ANON, meeting=True),
    case("cor", 10, "Contactpersoon en toch ook beleidsadviseur",
         "Mijn rol als contactpersoon botst soms met mijn eigen werk als beleidsadviseur.",
         ["sturen"], [], {}, "Tijd en prioriteiten.", "", "",
         "Ik moet mijn uren voor de leerkring beter afspreken met mijn leidinggevende.", [4]),
    case("cor", 12, "Participatie onder de Omgevingswet: wie doet wat?",
         "Bij een van de eerste omgevingsvergunningen onder de nieuwe wet bleek niemand "
         "verantwoordelijk voor het participatieverslag.",
         ["reguleren", "regisseren"], [],
         {"verantwoording": (D, "Initiatiefnemer en gemeente wezen naar elkaar.")},
         "De wet verplicht participatie niet, maar de raad wel.", "Kennis van de Omgevingswet.",
         "", "Afspraken over participatie horen in het vooroverleg.", [1, 2], visibility=M),
    case("tineke", 3, "Een wethouder die alles zelf wil",
         "De nieuwe wethouder bezoekt elk initiatief zelf en doet ter plekke toezeggingen.",
         ["sturen", "regisseren"], ["initiatievenloket"],
         {"verantwoording": (D, "Toezeggingen zonder dekking."),
          "gelijkheid-en-inclusie": (D, "Wie de wethouder spreekt, krijgt voorrang.")},
         "Bestuurlijke toezeggingen tegenover de procedures van het loket.",
         "Ik weet hoe je een wethouder adviseert zonder hem voor het hoofd te stoten.",
         "Initiatiefnemers vertelden me over de toezeggingen.",
         "Met de wethouder afgesproken dat hij voortaan zegt: 'ik laat het loket contact "
         "opnemen'.", [2, 3], consent=ANON),
    case("tineke", 8, "Tilburg-breed: een participatiekompas",
         "We maakten met collega's van vijf afdelingen een kompas voor participatie.",
         ["regisseren"], ["co-creatiesessie"],
         {"deliberatie": (S, "Het kompas is samen met bewoners getest.")},
         "Elke afdeling wil zijn eigen uitzondering.", "Kennis van procesontwerp.",
         "Twee bewonersgroepen testten het kompas.",
         "Een gedeelde taal helpt om rollen bewust te kiezen.", [3, 4], visibility=C,
         consent=NAMED),
    case("tineke", 11, "Het loket een jaar later: doorzettingsmacht",
         "Het college gaf het loket doorzettingsmacht bij vastgelopen aanvragen.",
         ["regisseren"], ["initiatievenloket"],
         {"verantwoording": (S, "Er is nu één aanspreekpunt.")},
         "Vakafdelingen moeten wennen.", "Bestuurlijke advisering.",
         "De ervaringen van initiatiefnemers waren het sterkste argument.",
         "Inbedding lukt als het bestuur er eigenaar van wordt.", [1, 4], visibility=C,
         consent=NAMED),
    case("tineke", 13, "Terugblik: wat heeft de leerkring Tilburg gebracht?", "",
         ["faciliteren"], [], {}, "", "", "", "", [4], visibility=P, draft=True),
    case("dirk", 4, "Dordrecht: van inspraakavond naar keukentafel",
         "Voor de herinrichting van een doorgaande weg gingen we langs de deuren in plaats van "
         "een inspraakavond te houden.",
         ["regisseren", "faciliteren"], ["co-creatiesessie"],
         {"gelijkheid-en-inclusie": (S, "We spraken 140 huishoudens, ook wie nooit komt."),
          "deliberatie": (D, "Geen gesprek tussen bewoners onderling.")},
         "Het ontwerp lag al grotendeels vast door het verkeersbesluit.",
         "Ervaring met projectmanagement in de openbare ruimte.",
         "Bewoners wezen op de gevaarlijke oversteek bij de school.",
         "Eerlijk zijn over wat nog kan veranderen is belangrijker dan veel inspraak.", [1, 2],
         visibility=C, consent=NAMED, meeting=True),
    case("dirk", 7, "Dordrecht in gesprek over de binnenstad",
         "Een avond in de Grote Kerk over de toekomst van de binnenstad.",
         ["regisseren"], ["co-creatiesessie"],
         {"deliberatie": (S, "Echt gesprek in kleine groepen."),
          "gelijkheid-en-inclusie": (D, "Vooral oudere, witte bewoners.")},
         "", "Procesbegeleiding.", "Ondernemers en bewoners van de binnenstad.",
         "Wie je uitnodigt bepaalt wie er komt.", [5, 6], visibility=C, consent=NAMED),
    case("dirk", 9, "Een buurtkamer die niet in de begroting past",
         "Bewoners willen een buurtkamer in een leegstaand schoolgebouw.",
         ["sturen", "reguleren"], ["initiatievenloket"],
         {"verantwoording": (D, "De raad heeft het gebouw al voor verkoop aangewezen.")},
         "Vastgoedstrategie tegenover maatschappelijk gebruik.",
         "Kennis van de vastgoedportefeuille.",
         "De bewoners hadden een exploitatieplan met vrijwilligers.",
         "Soms is nee zeggen eerlijker dan een lang traject.", [2],
         switch=("sturen", "reguleren", "Toen duidelijk werd dat de raad had besloten, heb "
                 "ik het besluit uitgelegd in plaats van verder te zoeken.")),
    case("dirk", 13, "Uitdaagrecht voor de bibliotheekpunten",
         "Een vrijwilligersgroep wil twee bibliotheekpunten in de wijken overnemen.",
         ["faciliteren", "loslaten"], ["uitdaagrecht"],
         {"gelijkheid-en-inclusie": (S, "Voorzieningen blijven in de wijk."),
          "verantwoording": (D, "Wie borgt de kwaliteit?")},
         "De subsidierelatie met de bibliotheek.", "Kennis van subsidierelaties.",
         "De vrijwilligers draaien al jaren de leesclub.",
         "Loslaten vraagt om duidelijke afspraken over kwaliteit.", [2, 3], visibility=C,
         consent=ANON),
]  # fmt: skip


def _past_meetings(circle: Circle) -> list[Meeting]:
    return list(
        Meeting.objects.filter(
            circle=circle, cancelled_at__isnull=True, starts_at__lt=timezone.now()
        ).order_by("starts_at")
    )


def _elements(framework: Framework) -> dict[str, dict]:
    return {
        "roles": {r.code: r for r in Role.objects.filter(framework=framework)},
        "practices": {p.code: p for p in Practice.objects.filter(framework=framework)},
        "values": {v.code: v for v in Value.objects.filter(framework=framework)},
    }


def _writers(circle: Circle) -> dict[str, Membership]:
    """Those who write reflections in the circle, by e-mail address."""
    writing = (CircleRole.COORDINATOR, CircleRole.PARTICIPANT, CircleRole.TRAINER)
    return {
        m.user.email: m
        for m in Membership.objects.filter(circle=circle, role__in=writing)
        .select_related("user")
        .order_by("pk")
    }


def seed_reflections(context: DemoContext) -> None:
    """The first circle's reflections (found again by circle, author and title, so nothing is
    made twice), and with `seed_demo --reflections N` N synthetic ones more."""
    circle = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    framework = services.published_framework(circle) or services.install_default_framework(
        circle, by=User.objects.filter(email="onderzoeker@example.org").first()
    )
    elements = _elements(framework)
    writers = _writers(circle)
    questions = {q.number: q for q in CoreQuestion.objects.filter(circle=circle)}
    meetings = _past_meetings(circle)
    start, _end = first_circle_period()
    for data in CASES:
        membership = writers.get(AUTHORS[data["author"]])
        if membership is not None:
            _seed_case(circle, framework, membership, data, elements, questions, meetings, start)
    _mark_prompts_sent()
    if context.reflections:
        add_synthetic_reflections(circle, context.reflections)


def _seed_case(circle, framework, membership, data, elements, questions, meetings, start):
    roles, practices, values = elements["roles"], elements["practices"], elements["values"]
    latest = timezone.localdate() - datetime.timedelta(days=7)
    case_date = min(add_months(start, data["month"]) + datetime.timedelta(days=9), latest)
    written = at(case_date + datetime.timedelta(days=4), 10)
    meeting = None
    if data["meeting"]:
        held = [m for m in meetings if m.starts_at <= written]
        meeting = held[-1] if held else None
    switch = data["switch"]
    draft = data["draft"]
    reflection, _created = Reflection.objects.update_or_create(
        circle=circle,
        author=membership.user,
        title=data["title"],
        defaults={
            "municipality_id": membership.municipality_id,
            "framework": framework,
            "meeting": meeting,
            "status": Reflection.Status.DRAFT if draft else Reflection.Status.SUBMITTED,
            "visibility": data["visibility"],
            "consent": data["consent"],
            "situation": data["situation"],
            "case_date": case_date,
            "primary_role": roles.get(data["roles"][0]),
            "switched_from": roles.get(switch[0]) if switch else None,
            "switched_to": roles.get(switch[1]) if switch else None,
            "switch_reason": switch[2] if switch else "",
            "tension": data["tension"],
            "professional_knowledge": data["professional"],
            "local_knowledge": data["local"],
            "lesson": data["lesson"],
            "submitted_at": None if draft else written,
        },
    )
    # Written when the case was fresh, not when the demo was seeded (auto_now sets today).
    Reflection.objects.filter(pk=reflection.pk).update(created_at=written, updated_at=written)
    reflection.roles.set([roles[code] for code in data["roles"] if code in roles])
    reflection.practices.set([practices[c] for c in data["practices"] if c in practices])
    reflection.core_questions.set([questions[n] for n in data["questions"] if n in questions])
    for code, (effect, text) in data["values"].items():
        if code in values:
            ValueNote.objects.update_or_create(
                reflection=reflection, value=values[code], defaults={"effect": effect, "text": text}
            )


def _mark_prompts_sent() -> None:
    """The demo's past meetings (of both circles) invited their attendees to reflect back
    then: recorded as sent, so seeding does not mail everyone about meetings already held."""
    attended = Registration.objects.filter(
        attended=True, meeting__starts_at__lt=timezone.now()
    ).values_list("meeting_id", "user_id")
    MeetingPrompt.objects.bulk_create(
        [MeetingPrompt(meeting_id=meeting, user_id=user) for meeting, user in attended],
        ignore_conflicts=True,
    )


# --- Synthetic reflections (seed_demo --reflections N) ---

SYNTHETIC_PREFIX = "Oefencasus"
BATCH = 5_000


def _synthetic_texts(n: int) -> dict[str, str]:
    """Text for synthetic reflection n, put together from the demo's own cases in a different
    mix for each (situation of one case, tension of another, …), so a search over 100,000 of
    them finds some and not all, as it would in a real circle."""
    k = len(CASES)
    pick = [CASES[(n * step + shift) % k] for step, shift in ((1, 0), (3, 1), (5, 2), (7, 3))]
    return {
        "situation": pick[0]["situation"],
        "tension": pick[1]["tension"] if n % 3 else "",
        "professional_knowledge": pick[2]["professional"],
        "local_knowledge": pick[3]["local"] if n % 2 else "",
        "lesson": pick[(n // k) % 4]["lesson"],
    }


def add_synthetic_reflections(circle: Circle, count: int) -> int:
    """`count` more reflections for benchmarks, spread over the circle's writers, the
    framework's roles, practices and values, the core questions, visibility and consent levels
    and the last two years; written with bulk_create in batches, their links too. Numbered on
    from those already there, so running it again adds as many more."""
    framework = services.published_framework(circle)
    writers = list(_writers(circle).values())
    if framework is None or not writers or count <= 0:
        return 0
    elements = _elements(framework)
    roles = list(elements["roles"].values())
    practices = list(elements["practices"].values())
    values = list(elements["values"].values())
    questions = list(CoreQuestion.objects.filter(circle=circle))
    first = (
        Reflection.objects.filter(circle=circle, title__startswith=f"{SYNTHETIC_PREFIX} ").count()
        + 1
    )
    visibilities = Reflection.Visibility.values
    consents = Reflection.Consent.values
    effects = ValueNote.Effect.values
    now = timezone.now()
    today = timezone.localdate()
    role_link = Reflection.roles.through
    practice_link = Reflection.practices.through
    question_link = Reflection.core_questions.through
    made = 0
    for offset in range(0, count, BATCH):
        numbers = range(first + offset, first + min(offset + BATCH, count))
        reflections = []
        for n in numbers:
            writer = writers[n % len(writers)]
            draft = n % 9 == 0
            written = now - datetime.timedelta(hours=(n * 7) % (2 * 365 * 24))
            reflections.append(
                Reflection(
                    circle=circle,
                    author_id=writer.user_id,
                    municipality_id=writer.municipality_id,
                    framework=framework,
                    status=Reflection.Status.DRAFT if draft else Reflection.Status.SUBMITTED,
                    visibility=visibilities[n % len(visibilities)],
                    consent=consents[(n // 4) % len(consents)],
                    title=f"{SYNTHETIC_PREFIX} {n}",
                    case_date=today - datetime.timedelta(days=(n * 3) % 700),
                    primary_role=roles[n % len(roles)] if roles else None,
                    **_synthetic_texts(n),
                    submitted_at=None if draft else written,
                    created_at=written,
                    updated_at=written,
                )
            )
        created = _insert_many(Reflection, reflections)
        links: dict = {role_link: [], practice_link: [], question_link: [], ValueNote: []}
        for n, reflection in zip(numbers, created, strict=True):
            if roles:
                role = roles[n % len(roles)]
                links[role_link].append(role_link(reflection_id=reflection.pk, role_id=role.pk))
            if practices:
                practice = practices[n % len(practices)]
                links[practice_link].append(
                    practice_link(reflection_id=reflection.pk, practice_id=practice.pk)
                )
            if questions:
                question = questions[n % len(questions)]
                links[question_link].append(
                    question_link(reflection_id=reflection.pk, corequestion_id=question.pk)
                )
            if values:
                links[ValueNote].append(
                    ValueNote(
                        reflection_id=reflection.pk,
                        value_id=values[n % len(values)].pk,
                        effect=effects[n % len(effects)],
                    )
                )
        for model, rows in links.items():
            _insert_many(model, rows)
        made += len(created)
    return made


def _insert_many(model, rows: list) -> list:
    """bulk_create (the rows get their primary keys), but on PostgreSQL as one
    INSERT … SELECT FROM unnest(…) per batch: building an ORM statement for every one of half
    a million rows took most of the time. Every field's value must be set on the rows (no
    auto_now, no database defaults)."""
    if not rows:
        return rows
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(rows, batch_size=BATCH)
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    values = [[getattr(row, f.attname) for row in rows] for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
            f"SELECT * FROM unnest({arrays}) RETURNING {quote(model._meta.pk.column)}",
            values,
        )
        # In the order of the rows, as Django's own bulk_create relies on with PostgreSQL.
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
    return rows


# --- The researchers' coding ---

SECOND_RESEARCHER = ("onderzoeker2@example.org", "Ruben Onderzoek")
FREE_CODE = (
    "Vertrouwen opbouwen",
    "Waar de ambtenaar tijd steekt in het vertrouwen tussen gemeente en initiatiefnemers.",
)
CODED = 8  # reflections coded by the first researcher; the second codes the first half of them


def seed_coding(context: DemoContext) -> None:
    """Two researchers code the first circle's shared reflections: the first sentence of the
    situation with the main role, the lesson with the values at stake, a free code of their own
    and one reflection marked exemplary. The second researcher codes half of them too, not
    always alike, so the agreement page has something to say. Skipped when there is coding."""
    circle = Circle.objects.get(slug=FIRST_CIRCLE_SLUG)
    first = User.objects.get(email="onderzoeker@example.org")
    second = context.account(*SECOND_RESEARCHER, "researcher (second coder)")
    Membership.objects.get_or_create(
        user=second, circle=circle, defaults={"role": CircleRole.RESEARCHER}
    )
    if Passage.objects.filter(reflection__circle=circle).exists():
        return
    free, _created = FreeCode.objects.get_or_create(
        circle=circle,
        name=FREE_CODE[0],
        defaults={"description": FREE_CODE[1], "created_by": first},
    )
    shared = (
        Reflection.objects.filter(circle=circle, status=Reflection.Status.SUBMITTED)
        .exclude(visibility=Reflection.Visibility.PRIVATE)
        .exclude(title__startswith=f"{SYNTHETIC_PREFIX} ")
        .select_related("primary_role")
        .prefetch_related("value_notes__value")
        .order_by("submitted_at", "pk")[:CODED]
    )
    for index, reflection in enumerate(shared):
        _code(reflection, first, index, free)
        if index < CODED // 2:
            _code(reflection, second, index + 1, free)
        if index == 0:
            services.set_exemplary(reflection, True, first)


def _code(reflection: Reflection, coder: User, variant: int, free: FreeCode) -> None:
    situation = services.sentences(services.canonical(reflection.situation))
    if situation and reflection.primary_role:
        codes = [f"role:{reflection.primary_role.code}"]
        if variant % 3 == 0:
            codes.append(f"free:{free.pk}")
        start, end = situation[0]
        services.code_passage(
            reflection,
            coder,
            based_on_version=reflection.version,
            field="situation",
            start=start,
            end=end,
            codes=codes,
            memo="Hier kiest de ambtenaar zijn rol." if variant % 2 == 0 else "",
        )
    lesson = services.sentences(services.canonical(reflection.lesson))
    values = [f"value:{note.value.code}" for note in reflection.value_notes.all()]
    if lesson and values:
        start, end = lesson[0]
        services.code_passage(
            reflection,
            coder,
            based_on_version=reflection.version,
            field="lesson",
            start=start,
            end=end,
            codes=values[: 1 + variant % len(values)],
        )
