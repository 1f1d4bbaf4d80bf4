"""办事指南: for each service the site offers, who may apply, what to bring, how, the deadlines
that bind the platform and the provider, and the legal basis — the facts a citizen asks the
service window for, written once here and shown at /guide/ and /guide/<service>/.

Deadlines are read from the settings the workflows use, so the guide cannot promise a period the
platform does not keep. Entry points are URL names (the kernel names apps' pages by string).
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    who: tuple[str, ...]
    materials: tuple[str, ...]
    steps: tuple[str, ...]
    deadlines: tuple[str, ...]
    basis: tuple[str, ...]
    online: tuple[tuple[str, str], ...]  # (label, URL name)
    fee: str = "免费"


def guides() -> tuple[Guide, ...]:
    return (
        Guide(
            slug="objection",
            title="信用信息异议申请",
            summary="信息主体认为平台公示或提供查询的本人（本单位）信用信息有误的，可以提出异议，由市信用信息中心核查。",
            who=(
                "信息主体本人；法人和非法人组织由其经实名核验并绑定的经办人代为申请。",
                "也可委托代理人向市信用信息中心服务窗口递交或邮寄书面申请（附授权委托书）。",
            ),
            materials=(
                "异议申请：写明有异议的信用记录、哪一项信息有误、实际情况及理由。",
                "证明材料（PDF、JPEG或PNG，网上申请单个文件不超过10 MB）。",
                "书面申请的，附申请人身份证件复印件；委托代理的，附授权委托书。",
            ),
            steps=(
                "登录后进入“我的信用”，选择有异议的记录，点击“提出异议”，填写理由并上传证明材料。",
                "市信用信息中心在5个工作日内核查：属于平台差错的立即更正并告知申请人；属于信息提供单位的，转该单位核查。",
                "信息提供单位在7个工作日内答复：信息有误的予以更正；信息无误的告知双方，申请人仍有异议的，可在记录旁附上异议人声明；无法核实的，在记录上附注说明。",
                "全过程可在“异议”页面或凭查询码在“异议进度查询”中查看。",
            ),
            deadlines=(
                "中心核查：收到申请的次日起5个工作日。",
                "信息提供单位答复：收到转办的次日起7个工作日；逾期未答复的，该记录暂停查询，直至答复。",
                "异议处理期间记录标注“异议处理中”，失信信息照常公示。",
            ),
            basis=("《南通市公共信用信息归集和使用暂行办法》第十三条、第十四条。",),
            online=(("网上提出异议", "objections:new"), ("异议进度查询", "objections:follow_up")),
        ),
        Guide(
            slug="repair",
            title="信用修复申请",
            summary="失信信息的最短公示期届满后，信息主体纠正失信行为、履行义务的，可以申请信用修复；修复后记录标注“已修复”，并按规定缩短或结束公示。",
            who=(
                "失信信息所涉的信息主体；法人和非法人组织由其经办人代为申请。",
                "行政处罚信息须在最短公示期届满后申请（记录页面注明“可申请修复日期”）。",
            ),
            materials=(
                "已履行行政处罚决定、纠正失信行为的证明材料。",
                "信用承诺书（在申请页面在线作出）。",
            ),
            steps=(
                "登录后在“我的信用”中选择失信记录，点击“申请信用修复”，上传证明材料并作出信用承诺。",
                "作出该记录的信息提供单位审核并作出决定，结果通过站内消息和电子邮件告知。",
                "决定修复的，平台在记录上标注“已修复”，并依公示规则缩短或结束公示。",
            ),
            deadlines=(
                f"信息提供单位自受理次日起{settings.REPAIR_DECISION_WORKDAYS}个工作日内作出决定。",
                "轻微失信行为、初次失信的申请予以标注，便于从宽处理。",
            ),
            basis=(
                "《南通市公共信用信息归集和使用暂行办法》第十五条、第十六条、第十七条。",
                "国家发展改革委《信用修复管理办法》（2026年4月1日起施行）。",
            ),
            online=(("网上申请信用修复", "repair:new"), ("修复进度查询", "repair:follow_up")),
        ),
        Guide(
            slug="report",
            title="信用报告查询",
            summary="信息主体可以查询本人（本单位）的信用报告；报告带有编号和验证码，任何人可在本站验证其真伪。",
            who=(
                "信息主体本人，或法人和非法人组织经实名核验的经办人。",
                "查询申请人经信息主体授权后，可在授权范围内申请报告。",
            ),
            materials=("网上申请无需提交材料；到服务窗口查询的，出示有效身份证件（单位另需授权委托书）。",),
            steps=(
                "登录后进入“信用报告”，点击“申请信用报告”。",
                "报告生成后可下载PDF；报告首页的编号和验证码可在“报告验证”页面核对。",
            ),
            deadlines=("网上申请即时生成，通常在一分钟内完成。",),
            basis=("《南通市公共信用信息归集和使用暂行办法》第十一条、第二十条。",),
            online=(("申请信用报告", "reports:new"), ("报告验证", "reports:verify")),
        ),
        Guide(
            slug="authorization",
            title="授权查询",
            summary="授权查询信息须经信息主体书面或在线授权后方可查询，查询记录向信息主体公开。",
            who=(
                "经实名核验的查询申请人，包括经备案的信用服务机构。",
                "信息主体本人在线授权，或出具书面授权书。",
            ),
            materials=(
                "信息主体签字（单位加盖公章）的书面授权书，载明授权范围、查询目的和有效期；或由信息主体在本站在线授权。",
                "查询申请人的有效身份证明。",
            ),
            steps=(
                "查询申请人登录后在“授权查询”中向信息主体发出申请，或上传书面授权书。",
                "信息主体在线同意，或市信用信息中心审核书面授权书。",
                "授权有效期内，申请人可在授权范围内查看信息；每次查询都会记录并向信息主体公开。",
            ),
            deadlines=("授权最长一年，到期次日起不能再查看；信息主体可随时撤回在线授权。",),
            basis=("《南通市公共信用信息归集和使用暂行办法》第十一条、第十二条。",),
            online=(("授权查询", "authorizations:list"),),
        ),
        Guide(
            slug="self-declaration",
            title="自主申报信用信息",
            summary="信息主体可以自主申报资质、荣誉等信用信息，经审核后在平台记录；申报须真实，弄虚作假的记入警示记录。",
            who=("已注册并实名核验的信息主体；法人和非法人组织由其经办人申报。",),
            materials=("申报事项要求填写的内容。", "证明材料的扫描件（审核时须核对原件）。"),
            steps=(
                "登录后进入“自主申报”，选择申报事项，填写内容并上传证明材料。",
                "市经济和信息化部门审核，核对原件后予以记录，或说明不予记录的理由。",
            ),
            deadlines=("审核结果通过站内消息和电子邮件告知。",),
            basis=("《南通市公共信用信息归集和使用暂行办法》第十条、第二十三条。",),
            online=(("自主申报", "account:declaration_start"),),
        ),
        Guide(
            slug="special-report",
            title="专项信用报告（信用代证）",
            summary="以一份专项信用报告代替向多个部门分别开具的“有无违法违规记录”证明：按所选领域和期间列明行政处罚、行政强制和严重失信主体名单信息，未发现的予以说明。",
            who=("法人和非法人组织经实名核验并绑定的经办人。",),
            materials=("网上申请无需提交材料；选择需要证明的领域和期间（最长追溯5年）。",),
            steps=(
                "登录后进入“信用报告”，选择“专项信用报告”，勾选领域并选择期间。",
                "报告生成后下载PDF，交需要的部门；该部门可在本站验证报告真伪。",
            ),
            deadlines=("网上申请即时生成。",),
            basis=(
                "国家发展改革委等部门以专项信用报告替代有无违法违规记录证明的文件（发改财金〔2025〕565号）。",
                "江苏省人民政府办公厅的实施文件（苏政办规〔2025〕5号）。",
                "《南通市公共信用信息归集和使用暂行办法》第十一条。",
            ),
            online=(("信用报告", "reports:mine"), ("报告验证", "reports:verify")),
        ),
    )


def guide(slug: str) -> Guide | None:
    return next((item for item in guides() if item.slug == slug), None)
