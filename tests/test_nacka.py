"""The Nacka data set answers questions the way the source document does.

Each test asks something the status report of 2014-11-24 (KFKS 2012/577-001,
kept in tests/data/) answers, and checks the answer.  The document is the
oracle: a test's docstring says which sentence settles it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import networkx as nx
import pytest

import orgmodel as om
from orgmodel import examples
from orgmodel.dates import parse_when

SOURCE = Path(__file__).parent / "data" / "nacka-2014-11-24.txt"


@pytest.fixture(scope="module")
def org() -> om.Timeline:
    return examples.nacka()


def names(entities) -> set[str]:
    return {entity.name for entity in entities}


# --- the data set as a whole ---------------------------------------------------------------------


def test_shipped_file_loads_to_the_same_timeline(org):
    """``orgmodel.load`` of the shipped file equals ``examples.nacka()``."""
    assert om.load(examples.nacka_path()) == org


def test_every_event_quotes_the_source_verbatim(org):
    """Every event has a source with a quote, and every quote is in the document word for word."""
    # The text keeps the document's italics as *…*; they are not part of the words.
    text = " ".join(SOURCE.read_text(encoding="utf-8").replace("*", "").split())
    for event in org.events:
        assert event.source is not None, event.describe()
        assert event.source.quote, event.describe()
        quote = " ".join(event.source.quote.split())
        assert quote in text, f"{event.describe()}: not in the source: {quote!r}"


def test_every_month_from_2013_to_2016_gives_a_valid_chart(org):
    """On the first of every month 2013–2016 the hierarchy and reporting lines are forests."""
    for year in range(2013, 2017):
        for month in range(1, 13):
            graph = org.at(dt.date(year, month, 1)).graph
            contains = nx.DiGraph((s, t) for s, t, k in graph.edges(keys=True) if k == "contains")
            reports = nx.DiGraph((s, t) for s, t, k in graph.edges(keys=True) if k == "reports_to")
            for sub, degree in ((contains, contains.in_degree()), (reports, reports.out_degree())):
                assert nx.is_directed_acyclic_graph(sub)
                assert all(value <= 1 for _, value in degree)


def test_planned_changes_are_planned_and_open_facts_say_so(org):
    """Investigations and proposals are planned, not decided; unnamed holders are N.N. with a note."""
    planned = {event.describe() for event in org.events if event.status is om.Status.PLANNED}
    assert "establish unit 'VA-bolag' (va-bolag)" in planned
    assert "dissolve 'teknik-och-stadsbyggnadsstaben'" in planned
    nn = [event for event in org.events if isinstance(event, om.Establish) and event.entity.name == "N.N."]
    assert len(nn) == 10
    assert all("does not name" in event.note for event in nn)


# --- what the organisation looked like ----------------------------------------------------------


def test_markfragor_moves_on_1_january_2015(org):
    """The report:

    «Markfrågorna flyttar från mark- och exploateringsenheten till nuvarande byggenheten den 1 januari 2015»
    """
    assert org.at("2014-12-31").owner_of("markfrågor").name == "Mark- och exploateringsenheten"
    assert org.at("2015-01-01").owner_of("markfrågor").name == "Enheten för fastighetsutveckling"


def test_markfragor_leave_as_part_of_mark_och_exploateringsenheten(org):
    """The report:

    «Markfrågorna flyttar från mark- och exploateringsenheten till nuvarande byggenheten den 1 januari 2015» and
    «Mark- och exploateringsenheten byter namn till exploateringsenheten.» — a part of the unit goes to another,
    and the unit carries on: a partial absorption.
    """
    kinds = {(link.kind, link.successor) for link in org.lineage("mark-och-exploateringsenheten").successors}
    assert (om.LinkKind.PARTLY_ABSORBED, "byggenheten") in kinds
    assert "mark-och-exploateringsenheten" in org.at("2015-01-01")


def test_what_a_dated_change_ended_or_took_over_was_there_the_day_before(org):
    """A thing the report shows only through a dated change that ends it or takes it over («Fastighetsstaben
    upphörde den 1 maj 2014», «När ekonomienheten delades …», «Tekniska direktören har tagit över ansvaret för
    naturreservatsprocessen») existed at the latest the day before that change — never only on the day itself.
    """
    changed = {
        "ekonomienheten": dt.date(2014, 7, 1),
        "bitr-chef-ekonomi": dt.date(2014, 7, 1),
        "fastighetsstaben": dt.date(2014, 5, 1),
        "naturreservatsprocessen": dt.date(2014, 5, 1),
        "arbets-och-foretagsprocessen": dt.date(2014, 5, 1),
        "idrottsanlaggningsdrift": dt.date(2014, 5, 1),
    }
    for entity, day in changed.items():
        assert org.history(entity).of("exists")[0].since.latest < day, entity
    # The same for everything that began at an open start and ended on a known day.
    for event in org.events:
        if isinstance(event, om.Establish) and event.on.precision is om.Precision.AT_THE_LATEST:
            for exists in org.history(event.entity.id).of("exists"):
                if exists.until is not None:
                    assert exists.since.latest < exists.until.earliest, event.describe()


def test_byggenheten_is_reformed_under_a_new_name(org):
    """The report:

    «… byggenheten … som ombildas till enheten för fastighetsutveckling»: same unit, new name.
    """
    before = org.at("2014-12-31").find("byggenheten")
    after = org.at("2015-01-01").find("enheten för fastighetsutveckling")
    assert before.id == after.id
    rename = next(e for e in org.events if isinstance(e, om.Rename) and e.target == before.id)
    assert rename.reformed


def test_what_forbyelseenheten_was_called_before(org):
    """The report:

    «samordnings- och utvecklingsenheten [kommer] att byta namn till förnyelseenheten»
    """
    names_over_time = [fact.value for fact in org.history("förnyelseenheten").names()]
    assert names_over_time == ["Samordnings- och utvecklingsenheten", "Förnyelseenheten"]
    assert (
        org.at("2014-12-31").find("samordnings- och utvecklingsenheten").name == "Samordnings- och utvecklingsenheten"
    )


def test_mark_och_exploateringsenheten_becomes_exploateringsenheten(org):
    """The report:

    «Mark- och exploateringsenheten byter namn till exploateringsenheten.»
    """
    assert org.at("2015-01-01").find("Mark- och exploateringsenheten").name == "Exploateringsenheten"


def test_ekonomienheten_was_split(org):
    """The report:

    «När ekonomienheten delades i controllerenheten och redovisningsenheten …»
    """
    lineage = org.lineage("ekonomienheten")
    assert {org.entity(unit, on="2014-07-01").name for unit in lineage.descendants} == {
        "Controllerenheten",
        "Redovisningsenheten",
    }
    assert "ekonomienheten" in org.at("2014-06-30")
    assert "ekonomienheten" not in org.at("2014-07-01")


def test_controllerenheten_formed_1_july_2014_headed_by_the_finance_director(org):
    """The report:

    «Per den 1 juli 2014 bildades en controllerenhet …»; «ekonomidirektören är enhetschef för controllerenheten»
    """
    assert "controllerenheten" not in org.at("2014-06-30")
    chart = org.at("2014-07-01")
    assert chart.holder(chart.head("controllerenheten")) == chart.holder("ekonomidirektor")


def test_the_deputy_became_head_of_redovisningsenheten(org):
    """The report:

    «… anställdes den biträdande chefen för ekonomienheten, som chef för redovisningsenheten.»
    """
    deputy = org.holder("bitr-chef-ekonomi", on="2014-06-30")
    assert org.head("redovisningsenheten", on="2014-07-01").holder == deputy.id


def test_fastighetsstaben_ceased_1_may_2014(org):
    """The report:

    «Fastighetsstaben upphörde den 1 maj 2014 …»
    """
    assert "fastighetsstaben" in org.at("2014-04-30")
    assert "fastighetsstaben" not in org.at("2014-05-01")


def test_naturreservatsprocessen_owned_by_the_technical_director(org):
    """The report:

    «Tekniska direktören har tagit över ansvaret för naturreservatsprocessen.»
    """
    assert org.owner_of("naturreservatsprocessen", on="2014-05-01").name == "Teknisk direktör"
    assert org.owner_of("naturreservatsprocessen", on="2014-04-30") is None


def test_three_processes_gathered_with_one_director(org):
    """The report:

    «Ansvaret för arbets- och företagsprocessen, fritidsprocessen och kulturprocessen har samlats hos en direktör»
    """
    chart = org.at("2014-11-24")
    owners = {
        chart.owner_of(name).name for name in ("arbets- och företagsprocessen", "fritidsprocessen", "kulturprocessen")
    }
    assert owners == {"Direktör för arbete och fritid"}
    assert chart.holder("direktor-arbete-och-fritid").name == "Malin Westerback"


def test_kultur_och_fritidsenheten_head_is_being_recruited(org):
    """The report:

    «Rekrytering av chef till den nybildade kultur- och fritidsenheten pågår.»
    """
    assert org.head("kultur- och fritidsenheten", on="2014-11-24").vacant


def test_new_head_of_park_och_naturenheten_in_january_2015(org):
    """The report:

    «Nya chefen börjar i januari 2015.» — uncertain during January, certain from February.
    """
    assert org.holder("chef-park-och-natur", on="2014-12-31") is None
    january = org.at("2015-01-15")
    assert january.holder("chef-park-och-natur").name == "N.N."
    assert january.is_uncertain("chef-park-och-natur")
    assert not org.at("2015-02-01").is_uncertain("chef-park-och-natur")


def test_klara_palmberg_broryd_becomes_strategy_and_renewal_director(org):
    """The report:

    «Tjänsten kommer att innehåsa av Klara Palmberg Brorud, som nu arbetar som stadsutvecklingsstrateg»
    """
    assert [post.title for post in org.at("2014-12-31").posts_held_by("Klara Palmberg Brorud")] == [
        "Stadsutvecklingsstrateg"
    ]
    assert [post.title for post in org.at("2015-01-01").posts_held_by("Klara Palmberg Broryd")] == [
        "Strategi- och förnyelsedirektör"
    ]


def test_strategist_reported_directly_to_the_city_manager(org):
    """The report:

    «… stadsutvecklingsstrateg, direkt underställd stadsdirektören.»
    """
    chain = org.chain_of_command("stadsutvecklingsstrateg", on="2014-12-31")
    assert [post.title for post in chain] == ["Stadsutvecklingsstrateg", "Stadsdirektör"]


def test_head_of_forbyelseenheten_reports_to_the_new_director(org):
    """The report:

    «… strategi- och förnyelsedirektören blir från och med den 1 januari 2015 chef för enhetschefen.»
    """
    chain = org.chain_of_command("förnyelseenheten", on="2015-01-01")
    assert [post.title for post in chain][:2] == ["Enhetschef", "Strategi- och förnyelsedirektör"]


def test_smart_kommun_is_placed_on_forbyelseenheten(org):
    """The report:

    «Ett utvecklingsuppdrag kallat Smart kommun läggs på förnyelseenheten.»
    """
    assert org.owner_of("smart kommun", on="2015-01-01").name == "Förnyelseenheten"


def test_forbyelseenheten_supports_the_councils_and_committees(org):
    """Councils get "tjänstemannastöd från förnyelseenheten"; both committees "stöd med 0,5 tjänst\""""
    chart = org.at("2016-06-01")
    supported = {chart[rel.target].name for rel in chart.relations_of("förnyelseenheten", kind="supports")}
    assert supported == {
        "Brottsförebyggande rådet",
        "Näringslivsrådet",
        "Seniorrådet",
        "Rådet för frågor kring funktionsnedsättning",
        "Miljömålskommittén",
        "Mångfaldskommittén",
    }


def test_responsible_directors_of_the_councils(org):
    """The report:

    «Seniorrådet – Anders Fredriksson social- och äldredirektör», and so on for each council.
    """
    chart = org.at("2016-06-01")

    def responsible(name: str) -> set[str]:
        target = chart.find(name).id
        return {
            chart.holder(rel.source).name
            for rel in chart.relations_of(target, kind="responsible-for")
            if rel.target == target
        }

    assert responsible("seniorrådet") == {"Anders Fredriksson"}
    assert responsible("rådet för frågor kring funktionsnedsättning") == {"Anders Fredriksson"}
    assert responsible("brottsförebyggande rådet") == {"Mats Bohman"}
    assert responsible("näringslivsrådet") == {"Anders Börjesson"}
    assert responsible("miljömålskommittén") == {"Klara Palmberg Broryd"}
    assert responsible("mångfaldskommittén") == {"Elisabeth Carle"}


def test_the_new_board_organisation_of_1_january_2015(org):
    """The report:

    «… träder en ny nämndorganisation i kraft den 1 januari 2015» with new boards and committees.
    """
    before, after = org.at("2014-12-31"), org.at("2015-01-01")
    new = {"Natur- och trafiknämnden", "Socialnämnden", "Äldrenämnden", "Mångfaldskommittén", "Miljömålskommittén"}
    assert not new & names(before.units.values())
    assert new <= names(after.units.values())
    assert names(after.children("kommunstyrelsen")) >= {"Mångfaldskommittén", "Miljömålskommittén"}


def test_kommunstyrelsen_loses_and_hands_over_councils(org):
    """The report:

    «… de lokala trygg- och säkerhetsråden tas bort och … ansvaret för naturvårdsrådet flyttar …»
    """
    assert org.parent("naturvårdsrådet", on="2014-12-31").name == "Kommunstyrelsen"
    assert org.parent("naturvårdsrådet", on="2015-01-01").name == "Natur- och trafiknämnden"
    assert "trygghetsraden" in org.at("2014-12-31")
    assert "trygghetsraden" not in org.at("2015-01-01")


def test_sub_committees(org):
    """The report:

    «Socialnämnden ska ha ett socialutskott.»; «Miljö- och stadsbyggnadsnämnden ska ha ett myndighetsutskott»
    """
    assert org.parent("socialutskottet", on="2015-01-01").name == "Socialnämnden"
    assert org.parent("myndighetsutskottet", on="2015-01-01").name == "Miljö- och stadsbyggnadsnämnden"


def test_responsibility_for_social_assistance_moves_to_a_board(org):
    """The report:

    «Ansvaret för ekonomiskt bistånd och flyktingmottagande flyttar till arbets- och företagsnämnden.»
    """
    for function in ("ekonomiskt bistånd", "flyktingmottagande"):
        assert org.owner_of(function, on="2014-12-31") is None  # its earlier owner is not stated
        assert org.owner_of(function, on="2015-01-01").name == "Arbets- och företagsnämnden"


def test_sociala_ekonomienheten_wound_down_from_the_first_day_of_the_new_year(org):
    """The report:

    «Sociala ekonomienheten avvecklas från årsskiftet.» — *from* the turn of the year names a day, 1 January 2015,
    not the window around it that *vid årsskiftet* would be.
    """
    before = org.at("2014-12-31")
    assert "sociala-ekonomienheten" in before
    assert not before.is_uncertain("sociala-ekonomienheten")
    assert "sociala-ekonomienheten" not in org.at("2015-01-01")
    event = next(e for e in org.events if isinstance(e, om.Dissolve) and e.target == "sociala-ekonomienheten")
    assert (event.on.earliest, event.on.latest) == (dt.date(2015, 1, 1), dt.date(2015, 1, 1))
    assert "från årsskiftet" in event.source.quote


def test_the_social_director_is_responsible_for_the_winding_down_and_the_review(org):
    """The report:

    «En översyn av det sociala området och äldreområdet pågår under november-december 2014. … Sociala
    ekonomienheten avvecklas från årsskiftet. Ansvarig är social- och äldredirektör Anders Fredriksson.»
    """
    chart = org.at("2014-12-31")
    responsible = {
        (chart[rel.target].name, rel.note)
        for rel in chart.relations_of("social-och-aldredirektor", kind="responsible-for")
    }
    assert ("Sociala ekonomienheten", "avvecklingen") in responsible
    review = org.history("social-oversyn").of("exists")[0]
    # Under way on the report's date («pågår»), so begun by then; its end is planned within the two months.
    assert review.since.latest == dt.date(2014, 11, 24)
    assert review.began.status is om.Status.IMPLEMENTED
    assert (review.until.earliest, review.until.latest) == (dt.date(2014, 11, 25), dt.date(2014, 12, 31))
    assert review.ended.status is om.Status.PLANNED


def test_idrottsdriften_moves_to_the_welfare_production_area(org):
    """The report:

    «Idrottsdriften … flyttar till produktionsområdet Valfärd samhälls-service från den 1 januari 2015.»
    """
    assert org.parent("idrottsdriften", on="2014-12-31").name == "Myndighets- och huvudmannaorganisationen"
    after = org.at("2015-01-01")
    assert after.parent("idrottsdriftsenheten").name == "Välfärd samhällsservice"
    assert after.find("Valfärd samhälls-service").id == "valfard-samhallsservice"
    assert [unit.name for unit in after.ancestors("idrottsdriftsenheten")] == [
        "Välfärd samhällsservice",
        "Kommunal produktion",
    ]


def test_juridik_och_kansli_head_changes_boss(org):
    """The report:

    «Chefsansvaret för juridik- och kanslienhetens enhetschef flyttas från stadsjuristen till administrative
    direktören.»
    """
    head = org.head("juridik- och kanslienheten", on="2014-12-31")
    assert org.entity(head.reports_to, on="2014-12-31").title == "Stadsjurist"
    later = org.entity(head.id, on="2017-01-01")
    assert org.entity(later.reports_to, on="2017-01-01").title == "Administrativ direktör"


def test_medley_runs_the_swimming_halls_from_an_unknown_day(org):
    """The report:

    «Fritidsnämnden beslutade den 5 mars 2014, § 24, att driften av simhallar ska utföras av Medley AB»
    """
    relation = om.Relation("contracted-to", "medley", "fritidsnamnden", "driften av simhallar")
    assert relation not in org.at("2014-03-04")
    later = org.at("2016-01-01")
    assert relation in later.relations
    assert later.is_uncertain(relation)
    event = next(e for e in org.events if isinstance(e, om.AddRelation) and e.relation == relation)
    assert (event.source.body, event.source.reference, str(event.source.decided)) == (
        "Fritidsnämnden",
        "§ 24",
        "2014-03-05",
    )


def test_a_water_company_is_only_planned(org):
    """The report:

    «En extern utredning av om kommunen ska bilda ett VA-bolag ska göras under våren 2015 för genomförande senast
    2016.»
    """
    assert "va-bolag" not in org.at("2014-12-31")
    chart = org.at("2016-06-01")
    assert chart.is_planned("va-bolag")
    assert chart.is_uncertain("va-bolag")
    assert not org.at("2017-01-01").is_uncertain("va-bolag")


def test_new_territorial_unit_under_the_city_planning_directors_responsibility(org):
    """The report:

    «En ny enhet för strategisk ledning och styrning för den samlade territorieutvecklingen … inrättas per den 1
    januari 2015»
    """
    chart = org.at("2015-01-01")
    unit = chart.find("Enheten för strategisk ledning och styrning för den samlade territorieutvecklingen")
    responsible = [chart.holder(r.source).name for r in chart.relations_of(unit.id, kind="responsible-for")]
    assert responsible == ["Gunilla Glantz"]


def test_lokalenheten_supports_fritidsnamnden_as_tenant(org):
    """The report:

    «Lokalenheten utgör tjänstemannastöd till fritidsnämnden …»
    """
    (relation,) = org.at("2014-11-24").relations_of("lokalenheten", kind="supports")
    assert relation.target == "fritidsnamnden"
    assert "hyresgäst" in relation.note


def test_the_diff_of_1_january_2015_names_its_changes(org):
    """The changes on 2015-01-01 are classified: renames, transfers, moves, a new post and appointment."""
    diff = org.diff("2014-12-31", "2015-01-01")
    certain = [entry for entry in diff if not entry.uncertain]
    kinds = {entry.kind.value for entry in certain}
    assert {"established", "dissolved", "renamed", "moved", "function-transferred", "appointed", "vacated"} <= kinds
    assert {"reporting-changed", "relation-added"} <= kinds
    renamed = {entry.after.name for entry in diff.of_kind("renamed")}
    assert renamed == {"Förnyelseenheten", "Enheten för fastighetsutveckling", "Exploateringsenheten"}


# --- people, posts and reporting lines ------------------------------------------------------------

#: Every person the report names, and the post it says each holds on its date (2014-11-24).
NAMED_PEOPLE = {
    "Lena Dahlstedt": "Stadsdirektör",  # signs as «Stadsdirektör Stadsledningskontoret»
    "Helena Meier": "Stadsjurist",
    "Klara Palmberg Broryd": "Stadsutvecklingsstrateg",  # «som nu arbetar som stadsutvecklingsstrateg»
    "Eva Olin": "Direktör",  # «Ansvariga direktörer … är Eva Olin, …»: her post is not named
    "Gunilla Glantz": "Stadsbyggnadsdirektör",
    "Dag Björklund": "Natur- och trafikdirektör",
    "Jenny Asmundsson": "Fastighetsdirektör",
    "Mats Bohman": "Administrativ direktör",
    "Anders Börjesson": "Näringslivsdirektör",
    "Anders Fredriksson": "Social- och äldredirektör",
    "Elisabeth Carle": "Personaldirektör",
    "Lars Nylund": "Enhetschef",
    "Malin Westerback": "Direktör för arbete och fritid",
    "Anette Böe": "Direktör",  # «Ansvariga direktörer är Malin Westerback och Anette Böe.»
    "Einar Fransson": "Direktör",  # «… direktörerna Helena Meier, Eva Olin, Anette Böe och Einar Fransson.»
}


def test_every_person_the_report_names_holds_the_post_it_gives(org):
    """Each named person holds, on the report's date, the post the report gives them — and only that."""
    chart = org.at("2014-11-24")
    named = {person.name for person in chart.people.values() if person.name != "N.N."}
    assert named == set(NAMED_PEOPLE)
    for name, title in NAMED_PEOPLE.items():
        assert [post.title for post in chart.posts_held_by(name)] == [title], name


def test_directors_without_a_named_post_hold_a_director_post_in_the_office(org):
    """The report:

    «Ansvariga för detta är direktörerna Helena Meier, Eva Olin, Anette Böe och Einar Fransson.» and
    «Stadsledningskontoret ska vara organisatorisk hemvist för samtliga direktörer …»: each is a director, housed in
    stadsledningskontoret, and what they are responsible for hangs on that post, not on the person.
    """
    chart = org.at("2014-11-24")
    for name in ("Eva Olin", "Anette Böe", "Einar Fransson"):
        (post,) = chart.posts_held_by(name)
        assert (post.kind, post.unit) == (om.PostKind.DIRECTOR, "slk")
    responsible = {
        event.relation.source
        for event in org.events
        if isinstance(event, om.AddRelation) and event.relation.target == "agardirektiv"
    }
    assert responsible == {"stadsjurist", "direktor-eva-olin", "direktor-anette-boe", "direktor-einar-fransson"}
    assert not any(
        isinstance(event, om.AddRelation) and event.relation.source in {"eva-olin", "anette-boe", "einar-fransson"}
        for event in org.events
    )


def test_reporting_lines_are_the_ones_the_report_states(org):
    """The report states only these lines:

    «stadsutvecklingsstrateg, direkt underställd stadsdirektören»; «Chefsansvaret för juridik- och kanslienhetens
    enhetschef flyttas från stadsjuristen till administrative direktören»; «strategi- och förnyelsedirektören blir
    från och med den 1 januari 2015 chef för enhetschefen» (of förnyelseenheten).  To whom the directors report is
    left open («… samtliga direktörer samt strategiska funktioner som rapporterar till stadsdirektören»), and so is
    which unit, if any, the stadsdirektör heads.
    """

    def lines(day: str) -> dict[str, str]:
        chart = org.at(day)
        return {post.id: post.reports_to for post in chart.posts.values() if post.reports_to is not None}

    assert lines("2014-11-24") == {"stadsutvecklingsstrateg": "stadsdirektor", "chef-juridik-och-kansli": "stadsjurist"}
    assert lines("2017-01-01") == {
        "stadsutvecklingsstrateg": "stadsdirektor",
        "chef-juridik-och-kansli": "administrativ-direktor",
        "chef-samordning-och-utveckling": "strategi-och-fornyelsedirektor",
    }
    for day in ("2014-11-24", "2015-01-01", "2017-01-01"):
        chart = org.at(day)
        assert all(chart.head(unit) is None or chart.head(unit).id != "stadsdirektor" for unit in chart.units)
    # Every director post is in stadsledningskontoret, and its note names the sentence that leaves its line open.
    directors = [
        event
        for event in org.events
        if isinstance(event, om.Establish) and isinstance(event.entity, om.Post)
        if event.entity.kind is om.PostKind.DIRECTOR or event.entity.id == "stadsjurist"
    ]
    assert len(directors) == 15
    for event in directors:
        assert event.entity.unit == "slk", event.describe()
        assert "to whom the director reports is not stated" in event.note.lower(), event.describe()
    city_manager = next(e for e in org.events if isinstance(e, om.Establish) and e.entity.id == "stadsdirektor")
    assert "does not say that the post heads the office or any unit" in city_manager.note


def test_every_support_unit_has_its_own_head(org):
    """The report:

    «Bortsett från vad som beskrivits ovan om att ekonomidirektören är enhetschef för controllerenheten under dess
    uppbyggnad, har samtliga stödenheter nu egna enhetschefer.» — the support units it names are the six of the
    office and the ordinary ones «kontaktcenter och serviceenheten».
    """
    chart = org.at("2014-11-24")
    support_units = sorted(unit.id for unit in chart.units.values() if unit.kind == "support-unit")
    assert support_units == [
        "controllerenheten",
        "juridik-och-kanslienheten",
        "kommunikationsenheten",
        "kontaktcenter",
        "personalenheten",
        "redovisningsenheten",
        "samordnings-och-utvecklingsenheten",
        "serviceenheten",
    ]
    support_units.remove("controllerenheten")
    for unit in support_units:
        head = chart.head(unit)
        assert head is not None, unit
        assert chart.holder(head.id) is not None, unit
        assert chart.holder(head.id).id != chart.holder("ekonomidirektor").id, unit
    # The exception: the finance director heads controllerenheten, for the time of its build-up.
    (holding,) = chart.holdings(chart.head("controllerenheten").id)
    assert holding.person == chart.holder("ekonomidirektor").id
    assert holding.roles == ("interim",)


# --- reviews and assignments ----------------------------------------------------------------------

#: The work the report plans for a window, and the posts it makes responsible («Ansvarig(a) …»).
PLANNED_WORK = {
    "utbildning-fullmaktige": ("första kvartalet 2015", {"stadsdirektor", "stadsjurist"}),
    "mal-och-budgetprocess": (
        "under våren 2015",
        {"direktor-eva-olin", "stadsdirektor", "strategi-och-fornyelsedirektor"},
    ),
    "stadsbyggnadsmal": (
        "under våren 2015",
        {
            "stadsbyggnadsdirektor",
            "natur-och-trafikdirektor",
            "fastighetsdirektor",
            "stadsdirektor",
            "strategi-och-fornyelsedirektor",
        },
    ),
    "va-utredning": ("under våren 2015", {"stadsdirektor", "natur-och-trafikdirektor"}),
    "tsb-oversyn": ("under våren 2015", {"stadsbyggnadsdirektor", "natur-och-trafikdirektor", "fastighetsdirektor"}),
    "agardirektiv": (
        "under våren 2015",
        {"stadsjurist", "direktor-eva-olin", "direktor-anette-boe", "direktor-einar-fransson"},
    ),
    "resultatkontrakt": ("under våren 2015", {"personaldirektor"}),
    "utbildning-ordforande": ("under våren 2015", {"stadsdirektor", "strategi-och-fornyelsedirektor", "stadsjurist"}),
    "chefsnivaer": ("under 2015", {"personaldirektor"}),
    "territorie-utredning": ("under november-december 2014", {"stadsbyggnadsdirektor"}),
}


def responsible_posts(org: om.Timeline, function: str) -> set[str]:
    """The posts responsible for a function: its owner if a post, and every post related ``responsible-for``."""
    history = org.history(function)
    owners = {fact.value for fact in history.of("owner") if fact.value in org.at("2015-01-01").posts}
    related = {
        fact.value.source
        for fact in history.of("relation")
        if fact.value.kind == "responsible-for" and fact.value.target == function
    }
    return owners | related


def test_planned_work_begins_and_ends_in_its_window(org):
    """Work dated to a window is done within it: «Förslag … utvecklas under våren 2015», «En extern utredning … ska
    göras under våren 2015», «Utbildning erbjuds … under första kvartalet 2015», «En översyn av chefsnivåer … ska
    ske under 2015», «… utreds under november-december 2014» — each begins and ends in its window, as a plan.
    """
    for function, (window, responsible) in PLANNED_WORK.items():
        (exists,) = org.history(function).of("exists")
        expected = parse_when(window)
        assert (exists.since.earliest, exists.since.latest) == (expected.earliest, expected.latest), function
        assert exists.until is not None, function
        assert (exists.until.earliest, exists.until.latest) == (expected.earliest, expected.latest), function
        assert (exists.began.status, exists.ended.status) == (om.Status.PLANNED, om.Status.PLANNED), function
        assert exists.began.entity.kind is om.FunctionKind.ASSIGNMENT, function
        assert function not in org.at(exists.until.latest + dt.timedelta(days=1)), function
        assert responsible_posts(org, function) == responsible, function


def test_an_assignment_with_one_responsible_post_is_owned_by_it(org):
    """«Ansvarig är stadsbyggnadsdirektör Gunilla Glantz.», «Stadsjurist Helena Meier är ansvarig för att ta fram
    beslutsunderlag …», «Personaldirektör Elisabeth Carle är ansvarig för att stödja …», and so on: one responsible
    director, so the assignment is the post's.
    """
    owned = {
        "msn-oversyn": "Stadsbyggnadsdirektör",
        "exploateringsorganisation": "Stadsbyggnadsdirektör",
        "territorie-utredning": "Stadsbyggnadsdirektör",
        "beslutsunderlag": "Stadsjurist",
        "styrande-dokument": "Stadsjurist",
        "forandringsstod": "Personaldirektör",
        "resultatkontrakt": "Personaldirektör",
        "fornyelsestod": "Strategi- och förnyelsedirektör",
    }
    for function, title in owned.items():
        (owner,) = {fact.value for fact in org.history(function).of("owner")}
        assert org.entity(owner, on="2015-01-01").title == title, function


def test_the_review_of_the_city_planning_organisation_ends_by_the_turn_of_the_year(org):
    """The report:

    «En översyn av miljö- och stadsbyggnadsorganisationen beräknas vara klar till årsskiftet 2014/2015» — under way
    on the report's date, and planned to be done by the turn of the year.
    """
    assert org.owner_of("msn-oversyn", on="2014-11-24").title == "Stadsbyggnadsdirektör"
    (exists,) = org.history("msn-oversyn").of("exists")
    assert exists.began.status is om.Status.IMPLEMENTED
    assert exists.ended.status is om.Status.PLANNED
    assert exists.until.earliest == dt.date(2014, 11, 25)
    assert exists.until.label() == "till årsskiftet 2014/2015"


def test_the_staff_review_dates_the_review_not_the_staffs_end(org):
    """The report:

    «Teknik- och stadsbyggnadsstaben ses över under våren 2015 med målsättningen att de olika funktionerna kan
    infogas i ordinarie stödenheter.» — the review is dated; the staff's end is only its aim, with no date.
    """
    event = next(e for e in org.events if isinstance(e, om.Dissolve) and e.target == "teknik-och-stadsbyggnadsstaben")
    assert event.status is om.Status.PLANNED
    assert event.on.earliest == dt.date(2015, 1, 1)
    assert event.on.latest == dt.date.max
    assert "teknik-och-stadsbyggnadsstaben" in org.at("2014-12-31")


# --- a broken copy ----------------------------------------------------------------------------------


def test_a_broken_copy_reports_every_planted_error_with_its_line(tmp_path):
    """A typo'd id, a missing field, a bad date and a cycle in the Nacka file are all reported, with lines.

    Each is planted in a different change, so none hides another; what only follows from them is
    counted, not listed.
    """
    lines = examples.nacka_path().read_text(encoding="utf-8").splitlines()

    def replace(old: str, new: str) -> int:
        number = lines.index(old)
        lines[number] = new
        return number + 1

    typo = replace("      - rename: mark-och-exploateringsenheten", "      - rename: mark-och-exploateringsenhetn")
    missing = replace("        to: natur-och-trafiknamnden", "        too: natur-och-trafiknamnden")
    bad_date = replace(
        "    on: {text: till årsskiftet 2014/2015, not_before: 2014-11-25}",
        "    on: {text: till årsskiftet 2014/2016, not_before: 2014-11-25}",
    )
    lines += ["  - move: slk", "    to: kontaktcenter", "    on: 2016-06-01", "    quote: x"]
    cycle = len(lines) - 3
    broken = tmp_path / "nacka-broken.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(om.FormatError) as caught:
        om.load(broken)
    problems = caught.value.problems
    found = {int(re.match(r".*?:(\d+):\d+: ", problem)[1]): problem for problem in problems}
    # The missing field shows twice: the event lacks 'to', and has an unknown 'too' in its place.
    assert sorted(found) == sorted([missing - 1, missing, bad_date, typo, cycle])
    assert "unknown entity 'mark-och-exploateringsenhetn'" in found[typo]
    assert "did you mean 'mark-och-exploateringsenheten' (Mark- och exploateringsenheten)?" in found[typo]
    assert "event 'move' does not take 'too' — did you mean 'to'?" in found[missing]
    assert "'on' of event 'dissolve': cannot read 'till årsskiftet 2014/2016'" in found[bad_date]
    assert "the years of a turn of the year must follow each other" in found[bad_date]
    assert "cannot sit under 'Kontaktcenter' (kontaktcenter), which sits under it" in found[cycle]
    assert all(problem.startswith(f"{broken}:") for problem in problems)
    assert re.fullmatch(r"\(\d+ more errors? follows? from these: fix them first\)", caught.value.note)
