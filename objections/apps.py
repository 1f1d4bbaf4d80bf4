from django.apps import AppConfig


class ObjectionsConfig(AppConfig):
    name = "objections"
    verbose_name = "异议处理"

    def ready(self) -> None:
        from nantong_credit import sweeps
        from nantong_credit.demo.loader import register_demo

        from .office_cards import register_office_cards

        register_office_cards()
        register_demo("objections", "objections.demo.ensure_objections", after=("authorizations",))
        register_demo("paper objection", "objections.demo.ensure_paper_objection", after=("objections",))
        sweeps.register_sweep("objections.tasks.sweep_objection_deadlines", label="异议 objections", position=10)
