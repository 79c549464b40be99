"""The support app's models, defined by concern in its sub-packages (one app, one set of
migrations), gathered here for Django."""

from schoolwindow.support.loans.models import (
    AgreementTemplate,
    Item,
    ItemEvent,
    ItemPhoto,
    Loan,
)

__all__ = ["AgreementTemplate", "Item", "ItemEvent", "ItemPhoto", "Loan"]
