"""The audit trail in plain Chinese: what each action and each object type is called.

Actions: every action that is not a case workflow's step is labelled here (the steps carry their
own labels: `nantong_credit.case_workflow`); the audit app registers this table in its
`AppConfig.ready()`, and `audit/tests/test_vocabulary.py` fails on an action the code writes
that has no label. Object types are model labels ("collection.creditrecord"), named by the
model's own verbose_name.
"""

import functools

from django.apps import apps

from nantong_credit.audit_trail import action_label, action_labels

ACTION_LABELS: dict[str, str] = {
    # Accounts and access
    "user.create": "创建账号",
    "account.create": "创建账号",
    "account.register": "注册账号",
    "account.verify_identity": "实名核验",
    "account.two_factor_enable": "开启两步验证",
    "account.two_factor_disable": "关闭两步验证",
    "account.recovery_codes_generate": "生成两步验证恢复码",
    "account.recovery_code_use": "使用恢复码登录",
    "account.password_reset_mail": "发送重置密码邮件",
    "account.password_reset": "通过邮件重置密码",
    "service_window.update": "修改实名核验服务窗口",
    "admin.add": "后台新增",
    "admin.change": "后台修改",
    "admin.delete": "后台删除",
    # Catalog (Art. 7–8)
    "catalog.draft_created": "新建目录草稿",
    "catalog.draft_changed": "修改目录草稿",
    "catalog.item_added": "新增目录事项",
    "catalog.item_changed": "修改目录事项",
    "catalog.item_removed": "删除目录事项",
    "catalog.field_added": "新增数据项",
    "catalog.field_changed": "修改数据项",
    "catalog.field_moved": "调整数据项顺序",
    "catalog.field_removed": "删除数据项",
    "catalog.document_added": "新增标准规范",
    "catalog.document_changed": "修改标准规范",
    "catalog.document_removed": "删除标准规范",
    "catalog.publish": "发布目录",
    "catalog.version_published": "发布目录",
    "disclosure_scheme.create": "新建公示规则",
    "catalog.domain_created": "新增信用代证领域",
    "catalog.domain_changed": "修改信用代证领域",
    "provider.create": "新增信息提供单位",
    "calendar.notice_entered": "录入节假日安排通知",
    "calendar.override_set": "调整工作日",
    "calendar.override_removed": "取消工作日调整",
    # Collection (Art. 9–10, 23)
    "subject.create": "新增信息主体",
    "subject.update": "更新信息主体",
    "record.create": "归集信用记录",
    "record.update": "更新信用记录",
    "record.correct": "更正信用记录",
    "record.revoke": "撤销信用记录",
    "record.expire": "信用记录公示期满",
    "record.reinstate": "恢复信用记录",
    "record.repair": "标注信用修复",
    "collection.submit_record": "报送信用记录",
    "apitoken.create": "创建接口令牌",
    "apitoken.revoke": "吊销接口令牌",
    "bulkimport.create": "上传批量导入文件",
    "bulkimport.import": "批量导入",
    "bulk_import.file_deleted": "删除过期导入文件",
    "pullsource.create": "新建数据库对接",
    "pullsource.change": "修改数据库对接",
    "pullsource.pull": "手动拉取数据库对接",
    "pullsource.reset_cursor": "重置数据库对接游标",
    "pull.page": "数据库对接拉取一页",
    "binding.request": "申请绑定信息主体",
    "binding.bind_own": "绑定本人",
    "binding.approve": "通过主体绑定",
    "binding.reject": "退回主体绑定",
    "binding.revoke": "解除主体绑定",
    "declaration.submit": "提交自主申报",
    "declaration.originals_seen": "核对申报原件",
    "declaration.approve": "通过自主申报",
    "declaration.reject": "退回自主申报",
    "declaration.found_false": "认定申报弄虚作假",
    # Inquiry (Art. 11–12)
    "inquiry.query": "查询信用信息",
    "authorization.request": "申请授权查询",
    "authorization.grant": "同意授权",
    "authorization.refuse": "拒绝授权",
    "authorization.revoke": "撤回授权",
    "authorization.approve_letter": "通过书面授权书",
    "authorization.reject_letter": "退回书面授权书",
    "authorization.query": "授权查询",
    "subject.follow": "关注信息主体",
    "subject.unfollow": "取消关注信息主体",
    "report.order": "申请信用报告",
    "agency.register": "信用服务机构登记",
    "agency.approve": "通过信用服务机构登记",
    "agency.refuse": "不予通过信用服务机构登记",
    "agencykey.create": "创建机构接口密钥",
    "agencykey.quota": "调整机构接口日限额",
    "agencykey.revoke": "吊销机构接口密钥",
    "report.verify": "验证信用报告",
    "commitment.record": "记录信用承诺",
    "batch_check.start": "开始批量核查",
    "batch_check.done": "完成批量核查",
    # Objections outside the case table (Art. 13–14)
    "objection.reissue_code": "重新生成查询码",
    "objection.provider_overdue": "提供单位逾期未答复",
    "objection.case_file": "生成异议案卷",
    "repair.case_file": "生成信用修复案卷",
    # Supervision (Art. 12, 18, 20, 22) outside its workflows
    "statistics.issue_report": "生成统计分析报告",
    "statistics.download_report": "下载统计分析报告",
    "filing.remind": "提醒部门制度备案",
    # Audit and archive (Art. 19–21)
    "audit.verify": "核验审计链",
    "archive.register": "档案登记",
    "archive.mismatch": "档案文件核验不符",
}


@functools.cache
def object_type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def action_choices() -> list[tuple[str, str]]:
    """Every labelled action, by its label, for the auditor's filter."""
    return sorted(action_labels().items(), key=lambda choice: (choice[1], choice[0]))


def object_type_choices() -> list[tuple[str, str]]:
    """The models of the platform's own apps, by their Chinese names."""
    own = ("core", "audit", "catalog", "collection", "inquiry", "objections", "repair", "supervision")
    models = [model for model in apps.get_models() if model._meta.app_label in own]
    return sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in models), key=lambda c: (c[1], c[0]))


__all__ = ["ACTION_LABELS", "action_choices", "action_label", "object_type_choices", "object_type_label"]
