"""Everything study groups register when the app is ready: the policy, the lead's home block,
the handler for answers by text (messaging's inbound registry) and the missed check-ins signal
(engagement's signal sources)."""

from __future__ import annotations


def register_studygroups() -> None:
    from schoolwindow.core.panels import HOME, Panel
    from schoolwindow.core.policy import register
    from schoolwindow.engagement.rules import register_signal_source
    from schoolwindow.messaging.api import register_inbound_sms_handler
    from schoolwindow.support.studygroups.audit_sentences import (
        register_studygroup_audit_sentences,
    )
    from schoolwindow.support.studygroups.home import home_help_today, pupil_checkin_block
    from schoolwindow.support.studygroups.policies import StudyGroupPolicy
    from schoolwindow.support.studygroups.signal import SOURCE
    from schoolwindow.support.studygroups.texts import checkin_text_claim

    register_studygroup_audit_sentences()
    register(StudyGroupPolicy())
    register_inbound_sms_handler("studygroups", checkin_text_claim)
    register_signal_source(SOURCE)
    HOME.register(
        Panel(
            name="studygroups-help-today",
            template="support/studygroups/home/_help_today.html",
            context=home_help_today,
            order=20,
        )
    )
    HOME.register(
        Panel(
            name="studygroups-pupil-checkin",
            template="support/studygroups/home/_pupil_checkin.html",
            context=pupil_checkin_block,
            order=5,
            modes=frozenset({"pupil"}),
        )
    )
