from django.apps import AppConfig


class RepairConfig(AppConfig):
    name = "repair"
    verbose_name = "信用修复"
