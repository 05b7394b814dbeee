"""orgmodel: an organisation as a dated graph, changed by dated events.

>>> import orgmodel as om
>>> org = om.Timeline(
...     [
...         om.Establish(om.Unit("slk", "Stadsledningskontoret", kind="office"), on="2013-01-01"),
...         om.Establish(om.Unit("mex", "Mark- och exploateringsenheten", parent="slk"), on="2013-01-01"),
...         om.Establish(om.Function("mark", "Markfrågor", owner="mex"), on="2013-01-01"),
...         om.Establish(om.Unit("bygg", "Byggenheten", parent="slk"), on="2013-01-01"),
...         om.Change(
...             "2015-01-01",
...             [
...                 om.Transfer("mark", "bygg"),
...                 om.Rename("bygg", "Enheten för fastighetsutveckling", reformed=True),
...                 om.Rename("mex", "Exploateringsenheten"),
...             ],
...         ),
...     ]
... )
>>> org.at("2014-12-31").owner_of("markfrågor").name
'Mark- och exploateringsenheten'
>>> org.at("2015-01-01").owner_of("markfrågor").name
'Enheten för fastighetsutveckling'
"""

from orgmodel import dates, errors, examples
from orgmodel._attributes import Attributes
from orgmodel._cache import load_cache, save_cache
from orgmodel._chart import OrgChart
from orgmodel._compare import Comparison, compare
from orgmodel._diff import ChangeKind, Diff, DiffEntry, DiffLike
from orgmodel._entities import (
    Category,
    EntityType,
    Function,
    FunctionKind,
    Holding,
    Person,
    Post,
    PostKind,
    Relation,
    RelationKind,
    Role,
    Unit,
    UnitKind,
)
from orgmodel._events import (
    Absorb,
    AddRelation,
    Appoint,
    Change,
    Dissolve,
    Establish,
    Event,
    LinkKind,
    Merge,
    Move,
    RemoveRelation,
    Rename,
    SetAttributes,
    SetHead,
    SetReportingLine,
    SetRoles,
    Source,
    SpinOff,
    Split,
    Status,
    Succeed,
    Transfer,
    Vacate,
)
from orgmodel._files import dumps, json_schema, load, loads, save
from orgmodel._history import Fact, History
from orgmodel._knowledge import Revision, RevisionKind, Revisions
from orgmodel._limits import Limits
from orgmodel._lineage import Lineage, LineageLink
from orgmodel._plans import Conflict
from orgmodel._scenario import Scenario
from orgmodel._timeline import Timeline
from orgmodel._uncertain import Uncertainty
from orgmodel.dates import Precision, When
from orgmodel.errors import (
    AmbiguousNameError,
    CacheError,
    ConflictError,
    CorrectionError,
    CycleError,
    DateError,
    DrawingTooLargeError,
    DuplicateIdError,
    EventError,
    FormatError,
    InvalidArgumentError,
    Location,
    MalformedEventError,
    MissingDependencyError,
    NameClashError,
    NameLookupError,
    NotEmptyError,
    OrgModelError,
    PostOccupiedError,
    RenderError,
    UnknownEntityError,
    UnknownNameError,
)

__version__ = "0.1.0"

__all__ = [
    "Absorb",
    "AddRelation",
    "AmbiguousNameError",
    "Appoint",
    "Attributes",
    "CacheError",
    "Category",
    "Change",
    "ChangeKind",
    "Comparison",
    "Conflict",
    "ConflictError",
    "CorrectionError",
    "CycleError",
    "DateError",
    "Diff",
    "DiffEntry",
    "DiffLike",
    "Dissolve",
    "DrawingTooLargeError",
    "DuplicateIdError",
    "EntityType",
    "Establish",
    "Event",
    "EventError",
    "Fact",
    "FormatError",
    "Function",
    "FunctionKind",
    "History",
    "Holding",
    "InvalidArgumentError",
    "Limits",
    "Lineage",
    "LineageLink",
    "LinkKind",
    "Location",
    "MalformedEventError",
    "Merge",
    "MissingDependencyError",
    "Move",
    "NameClashError",
    "NameLookupError",
    "NotEmptyError",
    "OrgChart",
    "OrgModelError",
    "Person",
    "Post",
    "PostKind",
    "PostOccupiedError",
    "Precision",
    "Relation",
    "RelationKind",
    "RemoveRelation",
    "Rename",
    "RenderError",
    "Revision",
    "RevisionKind",
    "Revisions",
    "Role",
    "Scenario",
    "SetAttributes",
    "SetHead",
    "SetReportingLine",
    "SetRoles",
    "Source",
    "SpinOff",
    "Split",
    "Status",
    "Succeed",
    "Timeline",
    "Transfer",
    "Uncertainty",
    "Unit",
    "UnitKind",
    "UnknownEntityError",
    "UnknownNameError",
    "Vacate",
    "When",
    "__version__",
    "compare",
    "dates",
    "dumps",
    "errors",
    "examples",
    "json_schema",
    "load",
    "load_cache",
    "loads",
    "save",
    "save_cache",
]
