"""Every label of the live view in English and Traditional Chinese.

The view looks each visible string up here with :func:`tr`, so switching the language
changes the controls, charts, network, books and event log alike. A key that has no entry
falls back to a readable form of the key itself (underscores become spaces), so a new
model account or column still shows up, in English, instead of breaking the page.
"""

from __future__ import annotations

import math
import re

EN = "en"
ZH = "zh-TW"
LANGUAGES: dict[str, str] = {EN: "English", ZH: "繁體中文"}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

TEXT: dict[str, tuple[str, str]] = {
    # page
    "title": ("The AI perpetual-motion machine", "AI 永動機"),
    "subtitle": (
        "Chip suppliers invest in the app company, which rents cloud capacity, "
        "which buys chips from the suppliers. Watch the money go round.",
        "晶片供應商投資應用公司，應用公司租用雲端算力，雲端業者再向供應商買晶片。看錢如何繞圈。",
    ),
    # controls
    "scenario": ("Scenario preset", "情境預設"),
    "knobs": ("Key knobs", "關鍵參數"),
    "knobs_note": (
        "Press Enter or leave a field to apply; a new value starts a new run.",
        "按 Enter 或離開欄位即套用；新數值會重新開始模擬。",
    ),
    "seed": ("Random seed", "隨機種子"),
    "seed_error": (
        "random seed must be a whole number from 0 to 2^32 - 1",
        "隨機種子須為 0 到 2^32 - 1 的整數",
    ),
    "not_a_number": ("{name} must be a number, got {text!r}", "{name} 須為數字，收到 {text!r}"),
    "reset": ("Reset", "重設"),
    "step": ("Step 1 month", "前進一個月"),
    "play": ("Play", "播放"),
    "pause": ("Pause", "暫停"),
    "speed": ("Speed (months per second)", "速度（每秒月數）"),
    "horizon_reached": (
        "End of the {n}-month horizon: Reset to run again.",
        "已到 {n} 個月的模擬期末：請按重設再跑一次。",
    ),
    "source": ("Source", "來源"),
    "model_error": (
        "The model stopped with an error; Reset or change a knob:",
        "模型發生錯誤而停止；請重設或調整參數：",
    ),
    "default": ("calibration default", "校準預設值"),
    "allowed": ("allowed", "允許範圍"),
    # provenance
    "prov_seed": ("seed article", "原文"),
    "prov_reported": ("reported", "公開報導"),
    "prov_fitted": ("fitted", "擬合"),
    "prov_assumed": ("assumed", "假設"),
    # knobs
    "knob_milestone_investment_per_gw": ("Milestone investment per GW", "每 GW 里程碑投資"),
    "knob_milestone_investment_cap": ("Milestone investment cap", "里程碑投資上限"),
    "knob_paid_growth_decay": ("Paid-growth decay", "付費成長衰減"),
    "knob_inference_price_decline": ("Inference price decline", "推論價格下降"),
    "knob_capex_per_gw": ("Capex per GW", "每 GW 資本支出"),
    "knob_momentum_share": ("Momentum-investor share", "動能投資人比重"),
    "knob_momentum_investor_share": ("Momentum-investor share", "動能投資人比重"),
    "knob_vendor_credit_share": ("Vendor-credit share", "供應商融資比重"),
    "knob_vendor_financing_share": ("Vendor-credit share", "供應商融資比重"),
    "doc_milestone_investment_per_gw": (
        "US$ bn the supplier invests in the app company per whole GW deployed",
        "應用公司每部署 1 GW，供應商投資的金額（十億美元）",
    ),
    "doc_milestone_investment_cap": (
        "the most the supplier invests under the milestone deal",
        "里程碑協議下供應商投資的上限",
    ),
    "doc_paid_growth_decay": (
        "each year the diffusion impulse is multiplied by (1 - decay); 0 = no decay",
        "每年把擴散動能乘以 (1 - 衰減)；0 = 不衰減",
    ),
    "doc_inference_price_decline": (
        "the API price per token falls this many times a year",
        "每個 token 的 API 價格每年下降的倍數",
    ),
    "doc_momentum_share": (
        "share of equity investors who trade on past returns",
        "依過去報酬交易的股權投資人比重",
    ),
    "doc_vendor_credit_share": (
        "share of chip invoices the supplier finances on credit",
        "供應商以賒帳融資的晶片發票比重",
    ),
    "doc_capex_per_gw": (
        "data-centre capex per GW at month 0",
        "第 0 個月每 GW 資料中心資本支出",
    ),
    # units (as written in the calibration table)
    "unit_USD bn per GW": ("US$ bn / GW", "十億美元/GW"),
    "unit_USD bn": ("US$ bn", "十億美元"),
    "unit_per year": ("per year", "每年"),
    "unit_x per year": ("x per year", "倍/年"),
    "unit_share": ("share", "比重"),
    "unit_fraction": ("share", "比重"),
    # counter and regime
    "month_counter": ("Month {n} · {date}", "第 {n} 個月 · {date}"),
    "not_started": ("Month 0 · not started", "第 0 個月 · 尚未開始"),
    "regime": ("Regime", "狀態"),
    "regime_rising": ("Rising", "上升"),
    "regime_plateau": ("Plateau", "高原"),
    "regime_stalling": ("Stalling", "失速"),
    "regime_collapse": ("Collapse", "崩潰"),
    "regime_none": ("Not started", "尚未開始"),
    "regime_rising_doc": (
        "deployed GW and loop throughput growing, app runway at least {rising} months",
        "已部署 GW 與迴圈流量都在成長，應用公司現金跑道至少 {rising} 個月",
    ),
    "regime_plateau_doc": (
        "deployed GW growing less than {plateau:.0%} a year, no default",
        "已部署 GW 年增率低於 {plateau:.0%}，無違約",
    ),
    "regime_stalling_doc": (
        "contracts cancelled, capex falling year on year while backlog remains, "
        "or app runway under {stalling} months",
        "合約取消、在仍有積壓訂單時資本支出年減，或應用公司現金跑道不足 {stalling} 個月",
    ),
    "regime_collapse_doc": (
        "a loop member defaulted or the app company cannot fund itself",
        "迴圈成員違約，或應用公司無法自我融資",
    ),
    "regime_none_doc": ("press Step or Play to start", "按「前進一個月」或「播放」開始"),
    # groups and nodes
    "group_fuel": ("Fuel · chip suppliers", "燃料 · 晶片供應商"),
    "group_gears": ("Gears · cloud providers", "齒輪 · 雲端業者"),
    "group_engine": ("Engine · app company", "引擎 · 應用公司"),
    "group_capital": ("Capital", "資本"),
    "node_equity_funds": ("Equity funds", "股權基金"),
    "node_lenders": ("Lenders", "放款人"),
    "node_rest_of_world": ("Rest of world", "外部世界"),
    "cash_short": ("cash", "現金"),
    "defaulted": ("DEFAULTED", "已違約"),
    "network_title": ("The loop this month", "本月的迴圈"),
    "network_caption": (
        "Edge width = this month's flow. "
        "Gold: the circular path NVIDIA → OpenAI → clouds → NVIDIA.",
        "線寬 = 本月流量。金色：循環路徑 NVIDIA → OpenAI → 雲端 → NVIDIA。",
    ),
    "loop_path": ("circular path", "循環路徑"),
    "no_tranche": ("no milestone tranche this month", "本月無里程碑投資"),
    "flow_chips": ("chips", "晶片"),
    "flow_capacity": ("capacity", "算力"),
    "flow_cash": ("cash", "現金"),
    "flow_equity": ("equity", "股權"),
    "flow_credit": ("credit", "信貸"),
    "flow_vendor_credit": ("vendor credit", "供應商融資"),
    "this_month": ("this month", "本月"),
    # gauges
    "gauge_engine": ("Engine · user growth", "引擎 · 用戶成長"),
    "gauge_gears": ("Gears · capex / revenue", "齒輪 · 資本支出／營收"),
    "gauge_fuel": ("Fuel · capex per unit of compute", "燃料 · 每單位算力資本支出"),
    "band_healthy": ("healthy", "健康"),
    "band_warning": ("warning", "警戒"),
    "band_danger": ("danger", "危險"),
    "no_data": ("no data yet", "尚無資料"),
    "no_orders": ("no orders in 12 months", "12 個月內無訂單"),
    "users_now": (
        "year on year · {users:,.0f} M weekly users",
        "年增率 · 每週用戶 {users:,.0f} 百萬",
    ),
    "users_none": ("weekly active users, year on year", "每週活躍用戶年增率"),
    "fuel_note": (
        "12 months · US$ bn per GW of 2024 chips",
        "12 個月 · 十億美元／GW（2024 年晶片）",
    ),
    "gears_note": (
        "clouds, 12 months · capex per $ of loop revenue",
        "雲端業者 12 個月 · 每 1 美元迴圈營收的資本支出",
    ),
    # charts
    "tab_charts": ("Charts", "圖表"),
    "tab_books": ("Books", "帳簿"),
    "tab_about": ("About", "說明"),
    "chart_costs": (
        "App company: revenue vs costs (US$ bn a month)",
        "應用公司：營收與成本（每月十億美元）",
    ),
    "chart_gw": ("Capacity for the app company (GW)", "應用公司的算力容量（GW）"),
    "chart_milestone": ("Milestone investment (US$ bn)", "里程碑投資（十億美元）"),
    "chart_valuations": ("Valuations (US$ bn, log scale)", "市值（十億美元，對數刻度）"),
    "chart_runway": ("App company cash runway (months)", "應用公司現金跑道（月）"),
    "chart_loop": ("Loop flows (US$ bn a month)", "迴圈資金流（每月十億美元）"),
    "s_revenue": ("Revenue", "營收"),
    "s_compute_bill": ("Compute bill", "算力帳單"),
    "s_fixed_costs": ("Fixed costs", "固定成本"),
    "s_variable_costs": ("Variable costs", "變動成本"),
    "s_revenue_share": ("Revenue share", "營收分成"),
    "s_contracted": ("Contracted", "已簽約"),
    "s_deployed": ("Deployed", "已部署"),
    "s_milestone_month": ("This month (left)", "本月（左軸）"),
    "s_milestone_total": ("Cumulative (right)", "累計（右軸）"),
    "s_runway": ("Runway", "現金跑道"),
    "s_flow_supplier_equity": ("Suppliers → app equity", "供應商 → 應用公司股權"),
    "s_flow_app_to_clouds": ("App → clouds", "應用公司 → 雲端"),
    "s_flow_clouds_to_suppliers": ("Clouds → suppliers", "雲端 → 供應商"),
    "s_loop_throughput": ("Loop throughput", "迴圈流量"),
    "s_circularity": ("Circularity {firm} (right, %)", "{firm} 循環比率（右軸，%）"),
    "line_rising": ("rising needs {n}", "上升需 {n}"),
    "line_stalling": ("stalling under {n}", "低於 {n} 失速"),
    # books
    "balance_sheets": ("Balance sheets this month (US$ bn)", "本月資產負債表（十億美元）"),
    "assets": ("Assets", "資產"),
    "liabilities": ("Liabilities", "負債"),
    "net_worth": ("Net worth (accumulated by account)", "淨值（依科目累計）"),
    "check_bs": ("assets − liabilities − net worth", "資產 − 負債 − 淨值"),
    "flow_matrix": (
        "Transaction-flow matrix this month (US$ bn; every row and column sums to 0)",
        "本月交易流量矩陣（十億美元；每列與每欄合計為 0）",
    ),
    "row_sum": ("Row sum", "列合計"),
    "col_sum": ("Column sum", "欄合計"),
    "flow": ("Flow", "流量"),
    "books_empty": ("The books open after the first month.", "第一個月後才有帳簿。"),
    "sector_chip_suppliers": ("Chip suppliers", "晶片供應商"),
    "sector_cloud_providers": ("Cloud providers", "雲端業者"),
    "sector_app_company": ("App company", "應用公司"),
    "sector_investors": ("Investors", "投資人"),
    "sector_rest_of_world": ("Rest of world", "外部世界"),
    # ledger accounts (claims, real assets, net-worth accounts, flow-matrix rows)
    "acct_cash": ("Cash", "現金"),
    "acct_equity": ("Shares", "股權"),
    "acct_loan": ("Loans", "貸款"),
    "acct_payable": ("Payables", "應付帳款"),
    "acct_fund_units": ("Fund units", "基金單位"),
    "acct_warrant": ("Warrants", "認股權證"),
    "acct_vendor_credit": ("Vendor credit", "供應商融資"),
    "acct_capacity": ("Capacity in service", "已上線算力"),
    "acct_construction_in_progress": ("Construction in progress", "在建工程"),
    "acct_other_assets": ("Other assets", "其他資產"),
    "acct_opening": ("Opening", "期初"),
    "acct_chip_sales": ("Chip sales", "晶片銷售"),
    "acct_cogs": ("Cost of chips sold", "晶片銷貨成本"),
    "acct_chip_cogs": ("Cost of chips sold", "晶片銷貨成本"),
    "acct_other_income": ("Other income", "其他收入"),
    "acct_interest": ("Interest", "利息"),
    "acct_revaluation": ("Revaluation", "重估"),
    "acct_compute": ("Compute", "算力"),
    "acct_compute_bill": ("Compute bill", "算力帳單"),
    "acct_app_revenue": ("App revenue", "應用營收"),
    "acct_fixed_costs": ("Fixed costs", "固定成本"),
    "acct_variable_costs": ("Variable costs", "變動成本"),
    "acct_revenue_share": ("Revenue share", "營收分成"),
    "acct_cloud_opex": ("Cloud running costs", "雲端營運成本"),
    "acct_depreciation": ("Depreciation", "折舊"),
    "acct_construction": ("Construction", "建造"),
    "acct_commissioning": ("Commissioning", "啟用"),
    "acct_write_off": ("Write-off", "沖銷"),
    "acct_impairment": ("Impairment", "減損"),
    "acct_default_loss": ("Default losses", "違約損失"),
    "acct_d_cash": ("Δ cash", "Δ 現金"),
    "acct_d_loan": ("Δ loans", "Δ 貸款"),
    "acct_d_payable": ("Δ payables", "Δ 應付帳款"),
    "acct_d_equity": ("Δ shares", "Δ 股權"),
    "acct_d_fund_units": ("Δ fund units", "Δ 基金單位"),
    "acct_d_vendor_loan": ("Δ vendor loans", "Δ 供應商貸款"),
    "acct_d_convertible": ("Δ convertibles", "Δ 可轉換權益"),
    "acct_vendor_loan": ("Vendor loans", "供應商貸款"),
    "acct_convertible": ("Convertible interests", "可轉換權益"),
    "acct_vendor_interest": ("Vendor-loan interest", "供應商貸款利息"),
    "acct_noncash_remeasurement": ("Non-cash remeasurement", "非現金再衡量"),
    "acct_warrant_vesting": ("Warrant vesting", "認股權證既得"),
    "acct_equity_funds": ("Equity funds", "股權基金"),
    "acct_default_payout": ("Default payout", "違約清償"),
    # events
    "event_log": ("Event log", "事件紀錄"),
    "no_events": ("No events yet.", "尚無事件。"),
    "ev_contract": ("contract", "合約"),
    "ev_milestone": ("milestone", "里程碑"),
    "ev_round": ("round", "募資"),
    "ev_default": ("default", "違約"),
    "ev_no_cloud": ("no cloud", "無雲端"),
    # about (the teaching panel, NetLogo's order)
    "about_what_h": ("What is it", "這是什麼"),
    "about_what": (
        "An agent-based, stock-flow-consistent model of the AI circular-financing loop. "
        "NVIDIA and AMD (fuel) sell chips to Oracle, Microsoft, Amazon and CoreWeave (gears), "
        "who rent the capacity to OpenAI (the engine) under take-or-pay contracts; NVIDIA "
        "invests in OpenAI for every GW deployed, so part of the money comes back round.",
        "以代理人為基礎、存量流量一致的 AI 循環融資模型。NVIDIA 與 AMD（燃料）把晶片賣給 "
        "Oracle、Microsoft、Amazon 與 CoreWeave（齒輪），雲端業者再以照付不議合約把算力租給 "
        "OpenAI（引擎）；OpenAI 每部署 1 GW，NVIDIA 就投資一筆，部分資金因此繞回原點。",
    ),
    "about_how_h": ("How it works", "運作方式"),
    "about_how": (
        "Each step is one month: demand, contracting, capex, milestones, service, capital "
        "market, solvency, books. Every dollar moves through a double-entry ledger: the Books "
        "tab shows each balance sheet and the month's flow matrix, whose rows and columns sum "
        "to zero.",
        "每一步是一個月：需求、簽約、資本支出、里程碑、服務、資本市場、償付能力、記帳。每一塊錢都經"
        "過複式帳本：「帳簿」分頁列出各公司的資產負債表與本月交易流量矩陣，每列每欄合計為零。",
    ),
    "about_use_h": ("How to use it", "使用方法"),
    "about_use": (
        "Pick a preset, change a knob (hover it for its source), then Step or Play. "
        "Reset starts again with the same settings; a new seed draws a different run.",
        "選一個情境，調整參數（滑鼠停在欄位上可看來源），再按「前進一個月」或「播放」。"
        "「重設」以相同設定重新開始；換一個隨機種子會得到不同的模擬。",
    ),
    "about_notice_h": ("Things to notice", "值得注意"),
    "about_notice": (
        "The compute bill starts when capacity comes online, long after the contract is "
        "signed; the milestone tranches are small next to the take-or-pay bills they unlock.",
        "算力帳單在產能上線後才開始，遠晚於簽約；里程碑投資相對於它所解鎖的照付不議帳單相當小。",
    ),
    "about_try_h": ("Things to try", "可以試試"),
    "about_try": (
        "Set paid-growth decay to 0 and compare; raise the milestone investment per GW to 10 "
        "(the reported letter of intent) and see how little the collapse month moves.",
        "把付費成長衰減設為 0 再比較；把每 GW 里程碑投資提高到 10（公開報導的意向書），"
        "看看崩潰時間點移動得有多少。",
    ),
    "preset_seed": (
        "The article's numbers: $1B per GW milestone rule capped at $100B, and its paid-growth "
        "stall (251.7% in 2024 to 35% in 2025 Q1) read literally as year on year.",
        "原文的數字：每 GW 里程碑投資 10 億美元、上限 1,000 億美元，並把付費成長從 2024 年 251.7% "
        "降到 2025 年第一季 35% 照字面解讀為年增率。",
    ),
}


_PREFIXES = {"acct", "node", "unit", "flow", "ev", "sector", "prov", "knob", "doc", "regime"}


def tr(key: str, lang: str, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``fmt``.

    Unknown keys fall back to the key without its prefix, underscores as spaces.
    """
    pair = TEXT.get(key)
    if pair is None:
        prefix, _, rest = key.partition("_")
        text = rest if prefix in _PREFIXES and rest else key
        text = text.replace("_", " ")
        return text[:1].upper() + text[1:] if prefix == "acct" else text
    text = pair[1] if lang == ZH else pair[0]
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    """Whether ``key`` has a translation."""
    return key in TEXT


def month_label(date: str, lang: str) -> str:
    """``2025-12-01`` as ``Dec 2025`` or ``2025年12月``."""
    year, month = int(date[:4]), int(date[5:7])
    if lang == ZH:
        return f"{year}年{month}月"
    return f"{_MONTHS_EN[month - 1]} {year}"


def money(value: float, lang: str) -> str:
    """US$ billions as ``$2.3B`` or ``23 億美元`` (millions below a billion)."""
    if value is None or not math.isfinite(value):
        return "—"
    if lang == ZH:
        yi = value * 10.0  # 1 億 = 100 million
        if abs(yi) >= 10:
            return f"{yi:,.0f} 億美元"
        if abs(yi) >= 0.1:
            return f"{yi:,.1f} 億美元"
        return f"{value * 1000:,.0f} 百萬美元"
    if abs(value) >= 100:
        return f"${value:,.0f}B"
    if abs(value) >= 0.1:
        return f"${value:,.2f}B"
    return f"${value * 1000:,.0f}M"


def unit(raw: str, lang: str) -> str:
    """A unit from the calibration table in ``lang`` (unknown units are kept as written)."""
    key = f"unit_{raw}"
    return tr(key, lang) if key in TEXT else raw


# ---------------------------------------------------------------------- event texts
_NUM = r"[\d.,]+"
_EVENT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"^(?P<app>.+?) signs (?P<gw>{_NUM}) GW with (?P<cloud>.+?): "
            rf"\$(?P<value>{_NUM})B over (?P<term>\d+) months from (?P<start>\d{{4}}-\d{{2}})$"
        ),
        "{app} 與 {cloud} 簽下 {gw} GW：{term} 個月共 {value}，{start} 起算",
    ),
    (
        re.compile(
            rf"^(?P<app>.+?) raises \$(?P<amount>{_NUM})B at a \$(?P<pre>{_NUM})B "
            r"pre-money valuation$"
        ),
        "{app} 募資 {amount}，投前估值 {pre}",
    ),
    (
        re.compile(
            rf"^(?P<sup>.+?) invests \$(?P<amount>{_NUM})B in (?P<app>.+?): tranche "
            rf"(?P<k>\d+) for (?P<gw>{_NUM}) GW deployed "
            rf"\(\$(?P<paid>{_NUM})B of \$(?P<cap>{_NUM})B\)$"
        ),
        "{sup} 投資 {app} {amount}：已部署 {gw} GW，第 {k} 期（累計 {paid}，上限 {cap}）",
    ),
    (
        re.compile(
            rf"^(?P<firm>.+?) defaults \((?P<reason>.+)\); creditors lose "
            rf"\$(?P<loss>{_NUM})B; (?P<n>\d+) contracts cancelled$"
        ),
        "{firm} 違約（{reason}）；債權人損失 {loss}；{n} 份合約取消",
    ),
    (
        re.compile(rf"^No cloud can finance (?P<gw>{_NUM}) GW for (?P<app>.+)$"),
        "沒有雲端業者能為 {app} 籌措 {gw} GW 的資金",
    ),
)
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^unpaid bills for (?P<n>\d+) months$"), "帳單逾期 {n} 個月"),
    (re.compile(rf"^book equity of \$(?P<eq>-?{_NUM})B$"), "帳面權益 {eq}"),
)
_MONEY_FIELDS = {"value", "amount", "pre", "paid", "cap", "loss", "eq"}


def _zh_money(text: str) -> str:
    return money(float(text.replace(",", "")), ZH)


def event_text(text: str, lang: str) -> str:
    """An event-log line in ``lang``.

    The model writes events in English; known sentence shapes are rewritten in Chinese and
    anything else is shown as written.
    """
    if lang != ZH:
        return text
    for pattern, template in _EVENT_PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        parts = {k: (_zh_money(v) if k in _MONEY_FIELDS else v) for k, v in m.groupdict().items()}
        if "reason" in parts:
            for rp, rt in _REASONS:
                rm = rp.match(parts["reason"])
                if rm:
                    sub = {
                        k: (_zh_money(v) if k in _MONEY_FIELDS else v)
                        for k, v in rm.groupdict().items()
                    }
                    parts["reason"] = rt.format(**sub)
                    break
        return template.format(**parts)
    return text
