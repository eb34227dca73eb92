"""Interface languages: which one a request gets, the interface strings, the label order.

The language comes from `?lang=` first (a visible switch on every page sets it), then
the `Accept-Language` header, then English. Data labels follow `label_languages`, so a
page never shows a label in whatever language happened to come first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"

LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "fr": "Français"}


def choose_language(query_lang: str | None, accept_language: str | None) -> str:
    """`?lang=` if it names a language we have, else the best `Accept-Language` match, else en."""
    if query_lang:
        wanted = query_lang.strip().lower().split("-")[0]
        if wanted in LANGUAGES:
            return wanted
    return header_language(accept_language)


# The language of the Accept-Language headers seen lately (few clients, few headers).
_HEADER_LANGUAGES: dict[str | None, str] = {}
_HEADER_LANGUAGES_ENTRIES = 1024
_HEADER_LANGUAGES_LENGTH = 1024


def header_language(accept_language: str | None) -> str:
    """The language an `Accept-Language` header alone chooses: all a page takes from the
    header, so web.response_cache keys pages on it (one stored page per language, not
    one per way of asking for it)."""
    found = _HEADER_LANGUAGES.get(accept_language)
    if found is not None:
        return found
    language = DEFAULT_LANGUAGE
    if accept_language:
        accepted = parse_accept_header(accept_language, LanguageAccept)
        language = accepted.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    if len(accept_language or "") <= _HEADER_LANGUAGES_LENGTH:
        if len(_HEADER_LANGUAGES) >= _HEADER_LANGUAGES_ENTRIES:
            _HEADER_LANGUAGES.clear()
        _HEADER_LANGUAGES[accept_language] = language
    return language


def label_languages(lang: str) -> tuple[str, ...]:
    """The order in which tagged labels are tried: the page's language, then en, then fr.

    Untagged labels come after these, and the IRI's local name after that
    (see `ctc_kg.web.html.labels`).
    """
    order = [lang] if lang in LANGUAGES else []
    order += [code for code in ("en", "fr") if code not in order]
    return tuple(order)


_STRINGS: Mapping[str, Mapping[str, str]] = {
    "site_name": {"en": "CTC special meetings", "fr": "Réunions spéciales du CCT"},
    "site_tagline": {
        "en": "Linked open data on the Counter-Terrorism Committee's special meetings "
        "with international, regional and sub-regional organizations (2003\u20132007)",
        "fr": "Données ouvertes liées sur les réunions spéciales du Comité contre le "
        "terrorisme avec les organisations internationales, régionales et "
        "sous-régionales (2003-2007)",
    },
    "meta_resource": {
        "en": "What the sources say about {title}, statement by statement, in the linked "
        "open data on the Counter-Terrorism Committee's special meetings (2003\u20132007).",
        "fr": "Ce que disent les sources sur {title}, affirmation par affirmation, dans les "
        "données ouvertes liées sur les réunions spéciales du Comité contre le terrorisme "
        "(2003-2007).",
    },
    "meta_ontology": {
        "en": "The ctc-kg ontology: the classes and properties of the data on the "
        "Counter-Terrorism Committee's special meetings, with definitions and a diagram.",
        "fr": "L'ontologie ctc-kg : classes et propriétés des données sur les réunions "
        "spéciales du Comité contre le terrorisme, avec définitions et schéma.",
    },
    "meta_shapes": {
        "en": "The SHACL shapes every ctc-kg release is validated against: what each "
        "applies to and the constraints it checks.",
        "fr": "Les formes SHACL contre lesquelles chaque version de ctc-kg est validée : "
        "ce à quoi chacune s'applique et les contraintes qu'elle vérifie.",
    },
    "meta_sparql": {
        "en": "Query the linked open data on the Counter-Terrorism Committee's special "
        "meetings with SPARQL 1.1 in the browser, starting from example queries.",
        "fr": "Interrogez en SPARQL 1.1, dans le navigateur, les données ouvertes liées sur "
        "les réunions spéciales du Comité contre le terrorisme, à partir d'exemples.",
    },
    "skip_to_content": {"en": "Skip to content", "fr": "Aller au contenu"},
    "nav_home": {"en": "Home", "fr": "Accueil"},
    "nav_sparql": {"en": "SPARQL", "fr": "SPARQL"},
    "nav_ontology": {"en": "Ontology", "fr": "Ontologie"},
    "nav_shapes": {"en": "Shapes", "fr": "Formes SHACL"},
    "nav_void": {"en": "Dataset description", "fr": "Description du jeu de données"},
    "language": {"en": "Language", "fr": "Langue"},
    "main_navigation": {"en": "Main navigation", "fr": "Navigation principale"},
    "types": {"en": "Types", "fr": "Types"},
    "properties": {"en": "Description", "fr": "Description"},
    "property": {"en": "Property", "fr": "Propriété"},
    "value": {"en": "Value", "fr": "Valeur"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "source": {"en": "Source", "fr": "Source"},
    "sources_intro": {
        "en": "Each statement above is numbered by the passages that make it. "
        "The passages and the documents they come from:",
        "fr": "Chaque affirmation ci-dessus renvoie aux passages qui l'énoncent. "
        "Les passages et les documents dont ils proviennent :",
    },
    "quote": {"en": "Quote", "fr": "Citation"},
    "document": {"en": "Document", "fr": "Document"},
    "referenced_by": {"en": "Referenced by", "fr": "Cité par"},
    "shown_of": {"en": "{shown} of {total} shown.", "fr": "{shown} sur {total} affichés."},
    "list_all": {
        "en": "List them all in the SPARQL editor",
        "fr": "Les lister tous dans l'éditeur SPARQL",
    },
    "disagreements": {"en": "Sources disagree", "fr": "Les sources divergent"},
    "claims": {"en": "Claims", "fr": "Affirmations"},
    "formats": {"en": "This description as data", "fr": "Cette description en données"},
    "description_cut": {
        "en": "As data, this description lists {limit} of the statements that point to this "
        "resource, not all of them; the SPARQL endpoint lists them all.",
        "fr": "En données, cette description donne {limit} des déclarations qui pointent vers "
        "cette ressource, pas toutes ; le point d'accès SPARQL les donne toutes.",
    },
    "identifier": {"en": "Identifier (IRI)", "fr": "Identifiant (IRI)"},
    "profiles_title": {"en": "Profiles and formats", "fr": "Profils et formats"},
    "profiles_intro": {
        "en": "This resource is served in these profiles (W3C Content Negotiation by "
        "Profile) and media types. Choose one with the Accept-Profile and Accept headers, "
        "or with the links below.",
        "fr": "Cette ressource est servie dans ces profils (négociation de contenu par "
        "profil du W3C) et types de médias. Choisissez-en un avec les en-têtes "
        "Accept-Profile et Accept, ou avec les liens ci-dessous.",
    },
    "profile": {"en": "Profile", "fr": "Profil"},
    "media_type": {"en": "Media type", "fr": "Type de média"},
    "language_tag": {"en": "language", "fr": "langue"},
    "datatype": {"en": "datatype", "fr": "type de données"},
    "blank_node": {"en": "(unnamed resource)", "fr": "(ressource sans nom)"},
    "about_dataset": {"en": "About this dataset", "fr": "À propos de ce jeu de données"},
    "license": {"en": "Licence", "fr": "Licence"},
    "modified": {"en": "Last modified", "fr": "Dernière modification"},
    "counts": {"en": "What the graph holds", "fr": "Contenu du graphe"},
    "class": {"en": "Class", "fr": "Classe"},
    "count": {"en": "Resources", "fr": "Ressources"},
    "timeline": {"en": "The five special meetings", "fr": "Les cinq réunions spéciales"},
    "timeline_desc": {
        "en": "A timeline of the meetings, their dates, cities and organizers.",
        "fr": "Chronologie des réunions : dates, villes et organisateurs.",
    },
    "meeting": {"en": "Meeting", "fr": "Réunion"},
    "date": {"en": "Date", "fr": "Date"},
    "place": {"en": "Place", "fr": "Lieu"},
    "organizers": {"en": "Organizers", "fr": "Organisateurs"},
    "meetings_shown": {
        "en": "The first {shown} of {total} meetings, by date.",
        "fr": "Les {shown} premières réunions sur {total}, par date.",
    },
    "organizations_shown": {
        "en": "The first {shown} of the {total} organizations of these meetings, by name.",
        "fr": "Les {shown} premières des {total} organisations de ces réunions, par nom.",
    },
    "matrix": {
        "en": "Who took part in which meeting, and in what role",
        "fr": "Qui a participé à quelle réunion, et à quel titre",
    },
    "matrix_intro": {
        "en": "The organizers each meeting names and every role a source gives; "
        "roles only announced beforehand (invited, expected to speak) are marked as such.",
        "fr": "Les organisateurs que nomme chaque réunion et chaque rôle que donne une "
        "source ; les rôles seulement annoncés à l'avance (invité, orateur prévu) sont "
        "signalés comme tels.",
    },
    "matrix_organizations": {
        "en": "Organizations at each meeting",
        "fr": "Organisations à chaque réunion",
    },
    "matrix_people": {"en": "People at each meeting", "fr": "Personnes à chaque réunion"},
    "matrix_announced": {"en": "announced", "fr": "annoncé"},
    "person": {"en": "Person", "fr": "Personne"},
    "people_shown": {
        "en": "The first {shown} of the {total} people of these meetings, by name.",
        "fr": "Les {shown} premières des {total} personnes de ces réunions, par nom.",
    },
    "organization": {"en": "Organization", "fr": "Organisation"},
    "organizer": {"en": "organizer", "fr": "organisateur"},
    "co_organizer": {"en": "co-organizer", "fr": "co-organisateur"},
    # The record of a meeting, a session or an agent (templates/record.html).
    "record_participants": {"en": "Who took part, by role", "fr": "Participants, par rôle"},
    "record_reported": {"en": "Reported as taking part", "fr": "Participation rapportée"},
    "record_reported_note": {
        "en": "What sources written after the meeting say happened.",
        "fr": "Ce que les sources écrites après la réunion disent qu'il s'est passé.",
    },
    "record_announced": {"en": "Announced before the meeting", "fr": "Annoncé avant la réunion"},
    "record_announced_note": {
        "en": "Invited or expected, as sources published beforehand say: "
        "not evidence of taking part.",
        "fr": "Invités ou attendus, selon des sources publiées avant la réunion : "
        "ce n'est pas la preuve d'une participation.",
    },
    "record_participant": {"en": "Participant", "fr": "Participant"},
    "record_role": {"en": "Role", "fr": "Rôle"},
    "record_post": {
        "en": "Post held (the source's words)",
        "fr": "Fonction occupée (termes de la source)",
    },
    "record_on_behalf_of": {"en": "On behalf of", "fr": "Au nom de"},
    "record_session": {"en": "Session", "fr": "Séance"},
    "record_programme": {"en": "Programme", "fr": "Programme"},
    "record_scheduled": {"en": "as the programme announced it", "fr": "selon le programme annoncé"},
    "record_outcomes": {
        "en": "Outcomes: documents produced or adopted",
        "fr": "Résultats : documents produits ou adoptés",
    },
    "record_adopted": {"en": "adopted at this meeting", "fr": "adopté lors de cette réunion"},
    "record_roles": {"en": "Meetings and roles", "fr": "Réunions et rôles"},
    "record_represented": {"en": "Represented by", "fr": "Représenté par"},
    "downloads": {"en": "Download the data", "fr": "Télécharger les données"},
    "file": {"en": "File", "fr": "Fichier"},
    "format": {"en": "Format", "fr": "Format"},
    "size": {"en": "Size", "fr": "Taille"},
    "bytes": {"en": "bytes", "fr": "octets"},
    "checksum": {"en": "SHA-256", "fr": "SHA-256"},
    "no_downloads": {
        "en": "No dumps have been built for this server yet (run ctc-kg build).",
        "fr": "Aucun fichier n'a encore été produit pour ce serveur (lancer ctc-kg build).",
    },
    "examples": {"en": "Example queries", "fr": "Exemples de requêtes"},
    "sparql_title": {"en": "SPARQL query editor", "fr": "Éditeur de requêtes SPARQL"},
    "sparql_intro": {
        "en": "Query the graph with SPARQL 1.1. The default graph is the union of all "
        "named graphs; use GRAPH ?g to see which source says what. Endpoint:",
        "fr": "Interrogez le graphe en SPARQL 1.1. Le graphe par défaut est l'union de "
        "tous les graphes nommés ; GRAPH ?g indique quelle source dit quoi. Point d'accès :",
    },
    "sparql_form_hint": {
        "en": "Edit the query and run it; the answer opens as a page, or as data in the "
        "format chosen.",
        "fr": "Modifiez la requête et exécutez-la ; la réponse s'ouvre en page, ou en "
        "données au format choisi.",
    },
    "sparql_editor_hint": {
        "en": "The full editor (highlighting, completion, a tab per example, charts) "
        "opens as soon as you start editing.",
        "fr": "L'éditeur complet (coloration, complétion, un onglet par exemple, "
        "graphiques) s'ouvre dès que vous commencez à modifier.",
    },
    "open_full_editor": {"en": "Open the full editor", "fr": "Ouvrir l'éditeur complet"},
    "answer_format": {"en": "Answer as", "fr": "Réponse en"},
    "format_page": {"en": "a table (this page)", "fr": "tableau (cette page)"},
    "formats_results": {
        "en": "Data, for SELECT and ASK",
        "fr": "Données, pour SELECT et ASK",
    },
    "formats_graph": {
        "en": "Data, for CONSTRUCT and DESCRIBE",
        "fr": "Données, pour CONSTRUCT et DESCRIBE",
    },
    "results": {"en": "Results", "fr": "Résultats"},
    "result_rows": {"en": "Rows:", "fr": "Lignes :"},
    "results_truncated": {
        "en": "Results truncated: only the first rows are shown (the server's limit). "
        "Narrow the query or page with LIMIT/OFFSET. Limit:",
        "fr": "Résultats tronqués : seules les premières lignes sont affichées (limite "
        "du serveur). Affinez la requête ou utilisez LIMIT/OFFSET. Limite :",
    },
    "ask_answer": {"en": "Answer:", "fr": "Réponse :"},
    "ask_true": {"en": "yes (true)", "fr": "oui (true)"},
    "ask_false": {"en": "no (false)", "fr": "non (false)"},
    "run_query": {"en": "Run query", "fr": "Exécuter la requête"},
    "query": {"en": "Query", "fr": "Requête"},
    "classes": {"en": "Classes", "fr": "Classes"},
    "object_properties": {"en": "Object properties", "fr": "Propriétés d'objet"},
    "datatype_properties": {"en": "Datatype properties", "fr": "Propriétés de données"},
    "other_properties": {"en": "Other properties", "fr": "Autres propriétés"},
    "shapes": {"en": "Shapes", "fr": "Formes"},
    "definition": {"en": "Definition", "fr": "Définition"},
    "labels": {"en": "Labels", "fr": "Libellés"},
    "domain": {"en": "Domain", "fr": "Domaine"},
    "range": {"en": "Range", "fr": "Co-domaine"},
    "subclass_of": {"en": "Subclass of", "fr": "Sous-classe de"},
    "subproperty_of": {"en": "Subproperty of", "fr": "Sous-propriété de"},
    "equivalent_to": {"en": "Equivalent to", "fr": "Équivalent à"},
    "inverse_of": {"en": "Inverse of", "fr": "Inverse de"},
    "constrained_by": {"en": "Constrained by", "fr": "Contraint par"},
    "targets": {"en": "Applies to", "fr": "S'applique à"},
    "constraints": {"en": "Constraints", "fr": "Contraintes"},
    "path": {"en": "Path", "fr": "Chemin"},
    "message": {"en": "Message", "fr": "Message"},
    "severity": {"en": "Severity", "fr": "Gravité"},
    "diagram": {"en": "Diagram of the model", "fr": "Schéma du modèle"},
    "diagram_unavailable": {
        "en": "The diagram could not be drawn (Graphviz is not installed).",
        "fr": "Le schéma n'a pas pu être dessiné (Graphviz n'est pas installé).",
    },
    "metadata": {"en": "About this document", "fr": "À propos de ce document"},
    "version": {"en": "Version", "fr": "Version"},
    "contents": {"en": "Contents", "fr": "Sommaire"},
    "releases_title": {"en": "Releases", "fr": "Versions publiées"},
    "releases_intro": {
        "en": "Each release is frozen: its resources as they were (Memento, RFC 7089), its "
        "dump and checksums, and what changed since the release before it.",
        "fr": "Chaque version publiée est figée : ses ressources telles qu'elles étaient "
        "(Memento, RFC 7089), son export et ses sommes de contrôle, et ce qui a changé "
        "depuis la version précédente.",
    },
    "release_released": {"en": "Released", "fr": "Publiée le"},
    "release_dump": {"en": "Dump", "fr": "Export"},
    "release_changes": {"en": "Changes", "fr": "Modifications"},
    "release_summary": {"en": "summary", "fr": "résumé"},
    "release_change_set": {"en": "change set (RDF)", "fr": "jeu de modifications (RDF)"},
    "release_what_changed": {"en": "What changed", "fr": "Ce qui a changé"},
    "fragments_title": {"en": "Triple Pattern Fragments", "fr": "Fragments par motif de triplet"},
    "fragments_intro": {
        "en": "Every quad of the graph that matches a pattern, a page at a time: the "
        "interface Linked Data Fragments clients such as Comunica query. Leave a field "
        "empty to match anything; write a literal in double quotes, followed by @en or "
        "^^ and its datatype. Without a graph, every graph is searched; the default graph "
        "(the union of all graphs) is named",
        "fr": "Chaque quadruplet du graphe qui correspond à un motif, page par page : "
        "l'interface qu'interrogent les clients Linked Data Fragments comme Comunica. "
        "Un champ vide correspond à tout ; un littéral s'écrit entre guillemets, suivi de "
        "@fr ou de ^^ et de son type. Sans graphe, tous les graphes sont parcourus ; le "
        "graphe par défaut (l'union de tous les graphes) s'appelle",
    },
    "subject": {"en": "Subject", "fr": "Sujet"},
    "predicate": {"en": "Predicate", "fr": "Prédicat"},
    "object": {"en": "Object", "fr": "Objet"},
    "graph": {"en": "Graph", "fr": "Graphe"},
    "default_graph": {"en": "default graph", "fr": "graphe par défaut"},
    "find": {"en": "Find", "fr": "Chercher"},
    "fragment_matches": {
        "en": "Matches {first} to {last} of {count}.",
        "fr": "Correspondances {first} à {last} sur {count}.",
    },
    "fragment_estimate": {"en": "at least {count}", "fr": "au moins {count}"},
    "fragment_empty": {
        "en": "Nothing matches this pattern.",
        "fr": "Rien ne correspond à ce motif.",
    },
    "previous_page": {"en": "Previous page", "fr": "Page précédente"},
    "next_page": {"en": "Next page", "fr": "Page suivante"},
    "not_found_title": {"en": "Not found", "fr": "Introuvable"},
    "not_found_text": {
        "en": "There is nothing in the graph with this identifier.",
        "fr": "Le graphe ne contient rien avec cet identifiant.",
    },
    "error_title": {"en": "Something went wrong", "fr": "Une erreur s'est produite"},
    "back_home": {"en": "Back to the home page", "fr": "Retour à l'accueil"},
    "footer_data": {
        "en": "Data from the United Nations Counter-Terrorism Committee's pages and the "
        "documents cited on each page.",
        "fr": "Données tirées des pages du Comité contre le terrorisme des Nations Unies "
        "et des documents cités sur chaque page.",
    },
}


@dataclass(frozen=True)
class Translator:
    """The interface strings of one language; `t("key")` in templates."""

    lang: str

    def __call__(self, key: str) -> str:
        entry = _STRINGS[key]
        return entry.get(self.lang) or entry[DEFAULT_LANGUAGE]


def string_keys() -> frozenset[str]:
    """Every interface string key (the tests check each has every language)."""
    return frozenset(_STRINGS)


def translations(key: str) -> Mapping[str, str]:
    return _STRINGS[key]
