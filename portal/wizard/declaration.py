"""What a wizard declares: its steps (each a form), its document rules and notice, where the
documents and confirm steps sit. See ``portal.wizard.engine`` for how an app uses it.

Nothing here knows about electricity, licences or any other business: the declaring app adds
its own fields by subclassing ``WizardDeclaration`` (a dataclass) and its own conditions by
building ``Condition`` objects over its own ``WizardContext`` subclass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import Manager

DOCUMENTS_STEP = "documents"
CONFIRM_STEP = "confirm"


@dataclass(frozen=True)
class WizardContext:
    """What document conditions look at: the declaration, the draft and its answers so far.
    Apps extend it (``applications`` adds the identity, the account and the customer kind)."""

    declaration: Any
    draft: Any
    answers: dict[str, Any]


@dataclass(frozen=True)
class Condition:
    """A named predicate on a context: the "when" of a document rule (是否必备)."""

    label: Promise | str
    test: Callable[[Any], bool]
    # Templates call callables they meet: `{{ rule.when.label }}` would call the condition with
    # no context and render "" — the 是否必备 column would stay empty on every page.
    do_not_call_in_templates = True

    def __call__(self, ctx) -> bool:
        return self.test(ctx)

    def __and__(self, other: Condition) -> Condition:
        return Condition(f"{self.label}，{other.label}", lambda c: self(c) and other(c))


ALWAYS = Condition(_("必备"), lambda c: True)


class Whose:
    """Whose document a rule asks for — where a valid one on file is looked up (一证通办)."""

    APPLICANT = "applicant"  # the logged-in person (ID photos, agent ID)
    SUBJECT = "subject"  # the enterprise applying (the draft's ``enterprise_id``), else the applicant


@dataclass(frozen=True)
class DocumentRule:
    """One row of a wizard's document list (申请资料清单)."""

    key: str  # unique within the declaration; the upload field name
    # DocumentType.code, or a function of the context for rules whose type the user chose
    # (企业主体证明类型: business licence, organisation code certificate...).
    doc_type: str | Callable[[Any], str]
    label: Promise | str
    when: Condition = ALWAYS
    whose: str = Whose.APPLICANT
    deferrable: bool = False  # may be promised for later by a commitment letter (一证受理)
    help: Promise | str = ""

    def applies(self, ctx) -> bool:
        return self.when(ctx)

    def doc_type_code(self, ctx) -> str:
        return self.doc_type(ctx) if callable(self.doc_type) else self.doc_type


@dataclass(frozen=True)
class Step:
    key: str
    title: Promise | str
    form: type | None = None  # a StepForm subclass; None for the built-in documents/confirm steps


@dataclass(kw_only=True)
class WizardDeclaration:
    """The declaration protocol every wizard implements, with defaults for what every wizard
    has: the documents step and the confirm step are appended unless declared, and the rule
    context and document owner follow the draft's applicant / enterprise."""

    code: str
    name: Promise | str
    steps: list[Step]
    documents: list[DocumentRule] = field(default_factory=list)
    notice_title: Promise | str = ""
    notice: Promise | str = ""
    requires_signature: bool = False  # a handwritten signature at submit (deferred documents ask anyway)
    documents_title: Promise | str = _("上传材料")
    confirm_title: Promise | str = _("确认提交")

    def __post_init__(self) -> None:
        keys = [s.key for s in self.steps]
        if DOCUMENTS_STEP not in keys:
            self.steps = [*self.steps, Step(DOCUMENTS_STEP, self.documents_title)]
        if CONFIRM_STEP not in keys:
            self.steps = [*self.steps, Step(CONFIRM_STEP, self.confirm_title)]
        keys = [s.key for s in self.steps]
        assert len(set(keys)) == len(keys), f"{self.code}: duplicate step keys"
        assert keys[-2:] == [DOCUMENTS_STEP, CONFIRM_STEP], f"{self.code}: must end with documents, confirm"
        rule_keys = [r.key for r in self.documents]
        assert len(set(rule_keys)) == len(rule_keys), f"{self.code}: duplicate document keys"

    def __str__(self) -> str:
        return str(self.name)

    @property
    def step_keys(self) -> list[str]:
        return [s.key for s in self.steps]

    @property
    def form_steps(self) -> list[Step]:
        return [s for s in self.steps if s.form is not None]

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    def next_step(self, key: str) -> str | None:
        keys = self.step_keys
        i = keys.index(key)
        return keys[i + 1] if i + 1 < len(keys) else None

    def previous_step(self, key: str) -> str | None:
        keys = self.step_keys
        i = keys.index(key)
        return keys[i - 1] if i > 0 else None

    # --- hooks an app may override --------------------------------------------------------------

    def rule_context(self, draft, answers: dict[str, Any]) -> Any:
        """The object document conditions and callable document types receive."""
        return WizardContext(declaration=self, draft=draft, answers=answers)

    def document_owner(self, draft, rule: DocumentRule) -> tuple[int | None, int | None]:
        """(owner user id, owner enterprise id) of the document a rule asks for."""
        enterprise_id = getattr(draft, "enterprise_id", None)
        if rule.whose == Whose.SUBJECT and enterprise_id:
            return None, enterprise_id
        return draft.applicant_id, None


@runtime_checkable
class WizardDraft(Protocol):
    """The small interface a draft model offers the engine (``applications.Application`` is one).

    ``data`` is a JSON dict the engine owns: ``raw`` (what was typed, per step), ``answers``
    (validated, per step), ``done`` (completed step keys), ``deferred`` (rule key → ISO date).
    ``documents`` is the reverse manager of a concrete ``AbstractDraftDocument`` subclass.
    A draft may have ``enterprise_id`` (whose SUBJECT documents are the enterprise's) and
    ``signature`` (a ``documents.Document``; set when the submit carries a signature)."""

    pk: Any
    data: dict[str, Any]
    current_step: str
    applicant_id: Any
    documents: Manager

    @property
    def wizard(self) -> WizardDeclaration: ...

    @property
    def is_editable(self) -> bool: ...

    @property
    def is_submitted(self) -> bool: ...

    def get_state_display(self) -> str: ...


def empty_draft_data() -> dict[str, Any]:
    return {"raw": {}, "answers": {}, "done": [], "deferred": {}}
