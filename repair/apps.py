from django.apps import AppConfig


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = "信用修复"

    def ready(self) -> None:
        from audit.archive_documents import register_document_source
        from inquiry import subject_actions
        from nantong_credit import case_files, sweeps
        from nantong_credit.demo.loader import register_demo

        from .case_file import stored_document
        from .office_cards import register_office_cards

        register_office_cards()
        subject_actions.register("repair/_subject_action.html", order=20)
        register_demo("repair", "repair.demo.ensure_repair", after=("cast",))
        sweeps.register_sweep("repair.tasks.sweep_repair_deadlines", label="信用修复 repair", position=20)
        case_files.register_case_files("repair.case_file.CASE_FILES", label="信用修复 repair")
        register_document_source("repair.repaircasefile", stored_document)
