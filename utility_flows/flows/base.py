"""The declaration classes of a work-order flow. Read ``utility_flows.flows`` (the package
docstring) first: it shows a whole declaration and says what each part is for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string


class Side:
    """Who presses the button of a transition."""

    UTILITY = "utility"  # the business's handler role (or a supervisor), in the backoffice
    CUSTOMER = "customer"  # the order's customer, in the portal / app


class Actor:
    """Who has the next move while an order sits in a state (the customer's 进度查询 shows it)."""

    CUSTOMER = "customer"
    MANAGER = "manager"  # the named handler (客户经理 王芳)
    UTILITY = "utility"  # the utility as a whole (e.g. grid works, another department)


@dataclass
class StepContext:
    """What a hook gets: the order (already in its new state, saved), the transition, who acted
    and the reason they typed. A hook returns ``None`` or a dict of data for the log entry
    (e.g. ``{"note": "account_opened", "number": "6390000012"}``); never translated text."""

    order: Any
    transition: Transition
    by: Any
    reason: str = ""
    data: dict = field(default_factory=dict)


Hook = Callable[[StepContext], "dict | None"] | str


@dataclass(frozen=True)
class State:
    """One state of a flow, and the step that is due while an order sits in it.

    ``label``   the state's name (已联系客户): the order's status everywhere;
    ``due``     the step now due (联系客户，确认用电地址并预约上门) for the order page and 进度查询;
    ``step``    a short name of that step for the backoffice's path chips (defaults to ``due``);
    ``days``    the default time limit of that step in working days: seeded into the editable
                ``TimeLimit`` rows after every migrate (the rows are the one source of truth);
    ``basis``   where the limit comes from (shown next to the row in the admin);
    ``actor``   who has the next move (``Actor``);
    ``detour_of`` for a state off the main path (grid works): the main-path state it stands in
                for; the path, the clock and the expected completion date count it there;
    ``note``    shown on the backoffice page when no transition leaves the state (yet).
    """

    code: str
    label: Any
    due: Any = None
    step: Any = None
    days: int | None = None
    basis: str = ""
    actor: str = Actor.MANAGER
    detour_of: str | None = None
    note: Any = None

    @property
    def step_name(self) -> str:
        return str(self.step or self.due or self.label)


@dataclass(frozen=True)
class Transition:
    """One step of the machine: from ``source`` (a state or several) to ``target``.

    ``side``        who presses it (``Side``); ``permission`` (``(order, user) -> bool``) overrides
                    the side's default: the business's handler role or a supervisor for
                    ``Side.UTILITY``, the order's own customer for ``Side.CUSTOMER``;
    ``reason_required`` the button needs a typed reason;
    ``hooks``       run after the state change inside the same transaction, in order (account
                    changes, PDFs via the worker, completing the application). A hook is a
                    callable or a dotted path to one (a dotted path keeps the declaration free
                    of imports of models and services);
    ``notify``      the customer notification event sent with the step (``None``: none).
    """

    name: str
    source: str | tuple[str, ...]
    target: str
    label: Any
    side: str = Side.UTILITY
    permission: Callable[[Any, Any], bool] | None = None
    reason_required: bool = False
    hooks: tuple[Hook, ...] = ()
    notify: str | None = "order.progress"

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)

    def allowed(self, order, user) -> bool:
        if self.permission is not None:
            return bool(self.permission(order, user))
        if self.side == Side.CUSTOMER:
            return user is not None and getattr(user, "pk", None) == order.customer_id
        from utility_flows.models import may_handle

        return may_handle(user, order.business)

    def run_hooks(self, context: StepContext) -> dict:
        for hook in self.hooks:
            func = import_string(hook) if isinstance(hook, str) else hook
            result = func(context)
            if result:
                context.data.update(result)
        return context.data


@dataclass(frozen=True)
class Flow:
    """A whole flow: its code (what ``Business.flow`` names), its label, the state a new order
    starts in, its states (main path in order, detours after), its transitions and its final
    state. Registered with ``utility_flows.flows.register``."""

    code: str
    label: Any
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    final: str = "archived"
    position: int = 100  # where the flow comes in choices and filters (lower first)
    # Whether the path is known well enough to promise the customer an expected completion date
    # (the sum of the remaining steps' limits); if not, ``no_date_note`` is shown instead.
    promises_dates: bool = True
    no_date_note: Any = None

    def __post_init__(self) -> None:
        codes = [s.code for s in self.states]
        if len(set(codes)) != len(codes):
            raise ValueError(f"flow {self.code}: a state is declared twice")
        if self.initial not in codes or self.final not in codes:
            raise ValueError(f"flow {self.code}: initial and final states must be declared")
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"flow {self.code}: a transition is declared twice")
        for t in self.transitions:
            for state in (*t.sources, t.target):
                if state not in codes:
                    raise ValueError(f"flow {self.code}: transition {t.name} names undeclared state {state}")
        for s in self.states:
            if s.detour_of is not None and s.detour_of not in codes:
                raise ValueError(f"flow {self.code}: state {s.code} is a detour of undeclared {s.detour_of}")

    # --- reading the declaration ---

    def state(self, code: str) -> State | None:
        for s in self.states:
            if s.code == code:
                return s
        return None

    def transition(self, name: str) -> Transition | None:
        for t in self.transitions:
            if t.name == name:
                return t
        return None

    @property
    def path(self) -> list[str]:
        """The main path: the states an order passes through in order, final state excluded.
        The step due in a state is the one that leaves it."""
        return [s.code for s in self.states if s.detour_of is None and s.code != self.final]

    def path_with(self, current: str) -> list[str]:
        """The main path, with the detour the order is in (if any) placed after the state it
        stands in for."""
        path = self.path
        state = self.state(current)
        if state is not None and state.detour_of in path:
            path.insert(path.index(state.detour_of) + 1, state.code)
        return path

    def path_position(self, code: str) -> str:
        """Where on the main path a state counts (a detour counts where it stands in)."""
        state = self.state(code)
        return state.detour_of if state is not None and state.detour_of else code

    @property
    def open_states(self) -> list[str]:
        return [s.code for s in self.states if s.code != self.final]

    @property
    def limited_states(self) -> list[State]:
        """States whose step has a time limit (rows of ``TimeLimit``)."""
        return [s for s in self.states if s.days is not None]
