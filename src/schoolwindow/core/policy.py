"""Permission policies: one object per kind of record, registered by the app that owns it.

A policy answers the two questions every page asks:

- *which of these may this actor see?* — `policy.scope(actor)`, a `Q` to filter a queryset by
  (`policy.visible(actor)` applies it to the model's objects);
- *may this actor do this to that one?* — `policy.may(actor, action, record)`.

`policy.get(actor, ...)` decides, in one place, that a record outside the scope is not found
(404, so its existence does not leak) and a visible record the actor may not act on is refused
(403). Role sets come from `core/capabilities.py`; a policy never lists roles itself.

Apps register their policies in `AppConfig.ready()` (`register(FlagPolicy())`); other apps ask
`policy_for(Model)` and so never import the owning app's rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from schoolwindow.core.errors import NotFound, Refused

if TYPE_CHECKING:
    from schoolwindow.core.permissions import Actor

M = TypeVar("M", bound=models.Model)

VIEW = "view"


class Policy(Generic[M]):
    """Subclasses set `model` and write `scope`; `may` defaults to "in scope may be viewed"."""

    model: type[M]

    def scope(self, actor: Actor) -> Q:
        raise NotImplementedError

    def visible(self, actor: Actor, queryset: QuerySet[M] | None = None) -> QuerySet[M]:
        base = queryset if queryset is not None else self.model._default_manager.all()
        return base.filter(self.scope(actor))

    def may(self, actor: Actor, action: str, record: M) -> bool:
        return action == VIEW

    def check(self, actor: Actor, action: str, record: M) -> None:
        """Raise Refused unless the actor may do `action` to a record it can see."""
        if not self.may(actor, action, record):
            raise Refused

    def get(
        self,
        actor: Actor,
        *,
        pk: Any,
        action: str = VIEW,
        queryset: QuerySet[M] | None = None,
    ) -> M:
        """The record if the actor may see it (else NotFound) and do `action` (else Refused)."""
        record = self.visible(actor, queryset).filter(pk=pk).first()
        if record is None:
            raise NotFound
        self.check(actor, action, record)
        return record


_policies: dict[type[models.Model], Policy[Any]] = {}


def register(policy: Policy[M]) -> Policy[M]:
    _policies[policy.model] = policy
    return policy


def policy_for(model: type[M]) -> Policy[M]:
    try:
        return _policies[model]
    except KeyError:
        raise LookupError(f"No permission policy is registered for {model.__name__}") from None
