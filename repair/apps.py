from django.apps import AppConfig


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = "信用修复"

    def ready(self) -> None:
        from nantong_credit import sweeps
        from nantong_credit.demo.loader import register_demo

        from .office_cards import register_office_cards

        register_office_cards()
        register_demo("repair", "repair.demo.ensure_repair", after=("cast",))
        sweeps.register_sweep("repair.tasks.sweep_repair_deadlines", label="信用修复 repair", position=20)
