from django.apps import AppConfig


class ObjectionsConfig(AppConfig):
    name = "objections"
    verbose_name = "异议处理"

    def ready(self) -> None:
        from audit.archive_documents import register_document_source
        from inquiry import subject_actions
        from nantong_credit import case_files, sweeps
        from nantong_credit.demo.loader import register_demo

        from .case_file import stored_document
        from .office_cards import register_office_cards

        register_office_cards()
        subject_actions.register("objections/_subject_action.html", order=10)
        register_demo("objections", "objections.demo.ensure_objections", after=("authorizations",))
        register_demo("paper objection", "objections.demo.ensure_paper_objection", after=("objections",))
        register_demo("closed objection", "objections.demo.ensure_closed_objection", after=("paper objection",))
        sweeps.register_sweep("objections.tasks.sweep_objection_deadlines", label="异议 objections", position=10)
        case_files.register_case_files("objections.case_file.CASE_FILES", label="异议 objections")
        register_document_source("objections.objectioncasefile", stored_document)
