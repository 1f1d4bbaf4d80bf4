from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计与档案"

    def ready(self) -> None:
        from nantong_credit import audit_trail, jobs

        from .jobs import CHAIN_VERIFICATION_JOB
        from .office_cards import register_office_cards
        from .services import record_event
        from .vocabulary import ACTION_LABELS

        jobs.register(CHAIN_VERIFICATION_JOB)
        audit_trail.register_recorder(record_event)
        audit_trail.register_action_labels(ACTION_LABELS)
        register_office_cards()
