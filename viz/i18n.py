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
    "download_record": ("Download run record", "下載執行紀錄"),
    "loop_ended": ("loop ended: the app company defaulted", "迴圈已終止：應用公司違約"),
    "preset_unusable": ("Preset {name} is left out:", "預設 {name} 無法使用："),
    "download_record_note": (
        "Everything needed to replay this run: uv run python run.py replay <the .run.json file>",
        "重現此次執行所需的一切：uv run python run.py replay <下載的 .run.json 檔>",
    ),
    "seed_error": (
        "random seed must be a whole number from 0 to 2^32 - 1",
        "隨機種子須為 0 到 2^32 - 1 的整數",
    ),
    "decimal_comma": (
        "{name}: write numbers with a decimal point and no thousands separator, "
        "e.g. 0.5 or 4500 (got {text!r})",
        "{name}：數字請用小數點、不要千分位逗號，例如 0.5 或 4500（輸入的是 {text!r}）",
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
    "knob_commitment_limit_to_valuation": ("Commitment limit / valuation", "承諾上限／市值"),
    "knob_contract_term_months": ("Contract term", "合約期限"),
    "knob_market_size_users": ("Market size (weekly users)", "市場規模（每週用戶）"),
    "knob_gpu_cost_per_flop_halving": ("Chip cost halving time", "晶片成本減半時間"),
    "knob_stranded_capacity_recovery": ("Stranded-capacity recovery", "擱淺算力殘值"),
    "knob_monetisation_growth": ("Revenue-per-user growth", "每用戶營收成長"),
    "doc_commitment_limit_to_valuation": (
        "remaining take-or-pay commitments the app company may have per dollar of its market value",
        "應用公司每 1 美元市值可承擔的剩餘照付不議承諾",
    ),
    "doc_contract_term_months": (
        "term of a take-or-pay cloud contract, months",
        "照付不議雲端合約的期限（月）",
    ),
    "doc_market_size_users": ("ceiling of weekly users (millions)", "每週用戶上限（百萬）"),
    "doc_gpu_cost_per_flop_halving": (
        "years for the cost per FLOP of new chips to halve",
        "新晶片每 FLOP 成本減半所需年數",
    ),
    "doc_stranded_capacity_recovery": (
        "share of book value kept by capacity whose contract was cancelled",
        "合約取消後的算力保留的帳面價值比重",
    ),
    "doc_monetisation_growth": (
        "yearly growth of the subscription price (revenue per paying user)",
        "訂閱價格（每位付費用戶營收）的年成長率",
    ),
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
    "unit_multiple": ("x", "倍"),
    "unit_months": ("months", "個月"),
    "unit_millions": ("millions", "百萬"),
    "unit_years": ("years", "年"),
    # counter and regime
    "month_counter": ("{date} · month {n}", "{date} · 月序 {n}"),
    "regime_pending": (
        "This month's tests say {raw} ({n} of the {need} months a new regime needs)",
        "本月的判定為「{raw}」（新狀態需連續 {need} 個月，目前 {n} 個月）",
    ),
    "not_started": ("Jan 2024 · not simulated yet", "2024 年 1 月 · 尚未模擬"),
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
    "node_momentum_funds": ("Momentum funds", "動能基金"),
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
    "s_circularity": (
        "{firm} circularity, all buyers (right, %)",
        "{firm} 循環比率，全部買家（右軸，%）",
    ),
    "s_circularity_clouds": (
        "{firm} circularity, from the clouds (right, %)",
        "{firm} 循環比率，來自雲端業者（右軸，%）",
    ),
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
    "books_net_worth_note": (
        "Shares are liabilities of their issuer at market value, so a firm valued above its "
        "book shows a negative residual net worth; solvency is judged on book equity (assets "
        "minus debt-like claims).",
        "股份以市值列為發行公司的負債，所以市值高於帳面的公司，剩餘淨值為負；償債能力以帳面權益"
        "（資產減去類債務請求權）判斷。",
    ),
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
    "acct_momentum_funds": ("Momentum funds", "動能基金"),
    "acct_guarantee": ("Called guarantees", "已啟動的擔保"),
    "acct_d_guarantee": ("Δ called guarantees", "Δ 已啟動的擔保"),
    "acct_backstop": ("Backstop", "產能擔保"),
    "acct_backstop_called": ("Backstop called", "擔保啟動"),
    "acct_backstop_due": ("Backstop due", "擔保到期"),
    "acct_loan_repayment": ("Loan repayment", "償還貸款"),
    "acct_vendor_loan_due": ("Vendor loan due", "供應商貸款到期"),
    "acct_default_payout": ("Default payout", "違約清償"),
    # events
    "event_log": ("Event log", "事件紀錄"),
    "no_events": ("No events yet.", "尚無事件。"),
    "ev_contract": ("contract", "合約"),
    "ev_milestone": ("milestone", "里程碑"),
    "ev_round": ("round", "募資"),
    "ev_default": ("default", "違約"),
    "ev_no_cloud": ("no cloud", "無雲端"),
    "ev_warrant": ("warrant", "認股權證"),
    "ev_backstop": ("backstop", "擔保"),
    "ev_implausible": ("implausible", "不合理"),
    "implausible_warning": (
        "From {date} some quantity is beyond a plausible bound (see the event log): read the "
        "run from there as an artefact of the parameters, not a forecast",
        "自 {date} 起有數值超出合理範圍（見事件記錄）：此後的結果是參數造成的假象，而非預測",
    ),
    # about (NetLogo's Info-tab order: what, how, use, notice, try, extend, related, cite)
    "about_what_h": ("What is it?", "這是什麼？"),
    "about_what": (
        "An agent-based, stock-flow-consistent model of the AI circular-financing loop that a "
        "Traditional Chinese explainer calls “the AI perpetual-motion machine”. NVIDIA and AMD "
        "(fuel) sell chips to Oracle, Microsoft, Amazon and CoreWeave (gears), who rent the "
        "capacity to OpenAI (the engine) under take-or-pay contracts; NVIDIA invests in OpenAI "
        "for every GW deployed, so part of the money comes back round.\n\n"
        "It asks whether such a loop rises, stalls or collapses, and why. The article's four "
        "risks (a leaking engine, a stalling engine, a replay of 2000, dominoes) are mechanisms "
        "you can turn up and down, and its three dashboard indicators are the gauges at the top.",
        "以代理人為基礎、存量流量一致的 AI 循環融資模"
        "型；一篇繁體中文文章稱這個迴圈為「AI 永動機」。"
        "NVIDIA 與 AMD（燃料）把晶片賣給 Oracle、Micro"
        "soft、Amazon 與 CoreWeave（齒輪），雲端業者再以"
        "照付不議合約把算力租給 OpenAI（引擎）；OpenAI 每部署 1 GW，NVIDIA 就投資一筆，部分資金因此"
        "繞回原點。\n\n"
        "它探討這樣的迴圈會上升、失速還是崩潰，以及原因。"
        "原文的四個風險（引擎漏油、引擎失速、2000 年"
        "重演、骨牌效應）都是可以調高調低的機制，原文的三大儀表就是頁面上方的儀表。",
    ),
    "about_how_h": ("How it works", "運作方式"),
    "about_how": (
        "Each step is one month (month 0 is January 2024), in a fixed order of phases:\n"
        "- Demand: users follow Bass diffusion whose impulse may fade; a share of them pay; "
        "revenue comes from subscriptions and the API; users need compute.\n"
        "- Contracting: OpenAI forecasts the compute it will need 18 months ahead and signs "
        "take-or-pay contracts, within a limit set by its market value; a cloud accepts if it "
        "can finance its share.\n"
        "- Capex: the clouds pay for chips and buildings over the 18-month build lag; the "
        "capacity then comes online and depreciates.\n"
        "- Milestones: each new whole GW deployed unlocks a supplier's tranche, which buys "
        "OpenAI shares.\n"
        "- Service: bills, running costs and interest are booked in full; firms pay what "
        "they can.\n"
        "- Capital market: investors (fundamentalists and momentum traders) price the firms; "
        "OpenAI raises a round when its runway is short.\n"
        "- Solvency: a firm with negative book equity or bills unpaid for months defaults; "
        "its contracts are cancelled and its losses spread through claims and cross-holdings.\n"
        "- Books: the indicators are recorded and the regime is classified.\n\n"
        "Every dollar moves through one double-entry ledger, so the model is stock-flow "
        "consistent: the Books tab shows each balance sheet and the month's transaction-flow "
        "matrix, whose rows and columns sum to zero. Cash carries tags of where it came from, "
        "which is how circularity is measured.",
        "每一步是一個月（第 0 個月是 2024 年 1 月），各階段依固定順序進行：\n"
        "- 需求：用戶依 Bass 擴散成長，其動能可能衰減；部分用戶付費；營收來自訂閱與 API；"
        "用戶需要算力。\n"
        "- 簽約：OpenAI 預估 18 個月後需要的算力，在其市值所設的上限內簽下照付不議合約；"
        "雲端業者若籌得到自己那份資金就接受。\n"
        "- 資本支出：雲端業者在 18 個月的建置期間支付晶片與建物；算力隨後上線並折舊。\n"
        "- 里程碑：每多部署一整個 GW，就解鎖供應商的一期投資，用來買入 OpenAI 股份。\n"
        "- 服務：帳單、營運成本與利息全額入帳；各公司能付多少付多少。\n"
        "- 資本市場：投資人（基本面投資人與動能投資人）替各公司定價；OpenAI 現金跑道不足時募資。\n"
        "- 償付能力：帳面權益為負或帳單逾期數月的公司違約；合約取消，損失經由債權與交叉持股擴散。\n"
        "- 記帳：記錄各項指標並判斷狀態。\n\n"
        "每一塊錢都經過同一本複式帳本，所以模型是存量流量一致的：「帳簿」分頁列出各公司的資產負債表"
        "與本月交易流量矩陣，每列每欄合計為零。現金帶有來源標記，循環比率就是這樣量出來的。",
    ),
    "about_use_h": ("How to use it", "使用方法"),
    "about_use": (
        "Pick a scenario preset on the left and press Step (one month) or Play; Reset starts "
        "again. Type a new value in a knob and press Enter: a new run starts with it (hover a "
        "knob for its meaning, its source and its allowed range). A different random seed "
        "draws different demand and price shocks.\n\n"
        "The Lessons tab walks you through nine experiments: predict what will happen, run "
        "the lesson's preset and its changed knob, then compare your prediction with what the "
        "model did and read why. English / 繁體中文 switches every label.",
        "在左側選一個情境，按「前進一個月」或「播放」；「重"
        "設」從頭開始。在參數欄輸入新數值並按 Enter："
        "就會以新數值開始新的模擬（滑鼠停在欄位上可看意"
        "義、來源與允許範圍）。換一個隨機種子會抽出不同"
        "的需求與價格衝擊。\n\n"
        "「課程」分頁帶你做九個實驗：先預測會發生什麼，"
        "執行本課的情境與調整後的參數，再把你的預測和模型"
        "的結果對照，並讀懂原因。English／繁體中文 切換所有文字。",
    ),
    "about_notice_h": ("Things to notice", "值得注意"),
    "about_notice": (
        "- The compute bill starts when capacity comes online, 18 months after the contract "
        "is signed: commitments are made on forecast growth, not on growth already seen.\n"
        "- The milestone tranches are small next to the take-or-pay bills (about $67B over "
        "five years for each GW).\n"
        "- NVIDIA's circularity stays at a few percent in the equity-only loop and jumps to "
        "about half with vendor credit.\n"
        "- A falling gears ratio can mean that revenue caught up, or that capex stopped: read "
        "it with the regime banner.\n"
        "- Stranded capacity, not cross-holdings alone, is what topples a cloud when OpenAI "
        "defaults.",
        "- 算力帳單在產能上線後才開始，比簽約晚 18 個月"
        "：承諾依據的是預測的成長，而不是已經看到的成長。\n"
        "- 里程碑投資相對於照付不議帳單相當小（每 GW 五年約 670 億美元）。\n"
        "- 只有股權的迴圈中，NVIDIA 的循環比率只有幾個百分點；有了供應商融資就跳到約一半。\n"
        "- 齒輪比率下降，可能是營收追上來，也可能是資本支出停了：要和狀態橫幅一起看。\n"
        "- OpenAI 違約時，真正拖垮雲端業者的是擱淺的算力，而不只是交叉持股。",
    ),
    "about_try_h": ("Things to try", "可以試試"),
    "about_try": (
        "- In the seed preset set paid-growth decay to 0 and compare (lesson 3).\n"
        "- In the reported preset lower the milestone investment per GW from 10 to 1 and see "
        "how little the collapse month moves (lesson 9).\n"
        "- In the nortel preset set the vendor-credit share to 0 and watch circularity "
        "(lesson 4).\n"
        "- In the seed preset halve the capex per GW to 25 (lesson 2).\n"
        "- Change the random seed: the lessons' claims are tested on several seeds.",
        "- 在 seed 情境中把付費成長衰減設為 0 再比較（第 3 課）。\n"
        "- 在 reported 情境中把每 GW 里程碑投資從 "
        "10 降到 1，看崩潰時間點移動得有多少（第 9 課）。\n"
        "- 在 nortel 情境中把供應商融資比重設為 0，觀察循環比率（第 4 課）。\n"
        "- 在 seed 情境中把每 GW 資本支出減半為 25（第 2 課）。\n"
        "- 換一個隨機種子：各課的結論都在多個種子上測試過。",
    ),
    "about_extend_h": ("Extending the model", "擴充模型"),
    "about_extend": (
        "- Add a lesson: one TOML file in lessons/, in both languages, with a claim the tests "
        "check (docs/teaching.md); no code needed.\n"
        "- Add a scenario preset: a TOML file in scenarios/ whose values cite "
        "data/calibration.csv (docs/scenarios.md).\n"
        "- Add a parameter: a row in data/calibration.csv and a field in params.py.\n"
        "- Add a reported column: economy/observation.py defines them; charts and lessons read "
        "them by name.\n"
        "- Add a mechanism in agents/, moving money only through economy/ledger.py, so the "
        "books keep balancing.\n"
        "- Ideas: a short-lead lease market, several app companies competing for users, chip "
        "supply limits, an explicit bond market.",
        "- 新增一課：在 lessons/ 放一個 TOML 檔，兩種"
        "語言，附上測試會檢查的結論（docs/teaching.md）；"
        "不必寫程式。\n"
        "- 新增情境：在 scenarios/ 放一個 TOML 檔，數值引用 dat"
        "a/calibration.csv（docs/scenarios.md）。\n"
        "- 新增參數：在 data/calibration.csv 加一列，並在 params.py 加一個欄位。\n"
        "- 新增輸出欄位：定義在 economy/observation.py；圖表與課程依名稱讀取。\n"
        "- 在 agents/ 加入新機制，只透過 economy/ledger.py 移動資金，帳簿就會保持平衡。\n"
        "- 構想：短期租用算力市場、多家應用公司競爭用戶、晶片供給限制、明確的債券市場。",
    ),
    "about_related_h": ("Related models", "相關模型"),
    "about_related": (
        "- Godley and Lavoie, Monetary Economics (2007): the stock-flow-consistent models "
        "whose bookkeeping this follows.\n"
        "- Minsky (Steve Keen's software): Godley tables of a financial system.\n"
        "- Bank Reserves (NetLogo Models Library; also a Mesa example): money created and "
        "destroyed by loans.\n"
        "- Bass (1969), “A new product growth model for consumer durables”: diffusion of "
        "adoption.\n"
        "- Contagion on financial networks: Eisenberg and Noe (2001), Furfine (2003), "
        "DebtRank (Battiston et al., 2012), as in the NEVA package.\n"
        "- Vendor financing in the telecom bubble of 1999-2001 (Nortel, Lucent).",
        "- Godley 與 Lavoie，《Monetary Econo"
        "mics》（2007）：本模型記帳方式所依循的存量流量一致模型。\n"
        "- Minsky（Steve Keen 的軟體）：以 Godley 表描述金融體系。\n"
        "- Bank Reserves（NetLogo 模型庫；Mesa 也有範例）：放款創造與消滅貨幣。\n"
        "- Bass（1969），〈A new product growth model for consumer durables〉：採用的擴散。\n"
        "- 金融網絡中的傳染：Eisenberg 與 Noe（2001）、Furfine（2003）、DebtRank（Battiston 等，"
        "2012），如 NEVA 套件。\n"
        "- 1999–2001 年電信泡沫中的供應商融資（Nortel、Lucent）。",
    ),
    "about_cite_h": ("Credits and how to cite", "致謝與引用方式"),
    "about_cite": (
        "Built with Mesa 3 and Solara. Source: the Traditional Chinese explainer “AI 永動機” "
        "(The AI perpetual-motion machine); every figure's provenance is in "
        "data/calibration.csv.\n\n"
        "To cite: ai-bubble-sim {version}, The AI perpetual-motion machine: an agent-based, "
        "stock-flow-consistent simulator of the AI circular-financing loop (MIT licence). "
        "Give the preset, the knob values and the random seed of the runs you report: the "
        "same settings give the same run.",
        "以 Mesa 3 與 Solara 建置。資料來源：繁體中文文章〈AI 永動機〉；每個數字的出處都在 "
        "data/calibration.csv。\n\n"
        "引用方式：ai-bubble-sim {version}，The AI p"
        "erpetual-motion machine：AI 循環融資迴圈的代理人"
        "基礎、存量流量一致模擬器（MIT 授權）。請註明你所報告的模擬使用的情境、參數值與隨機種子："
        "相同設定會得到相同的模擬。",
    ),
    # lessons panel
    "tab_lessons": ("Lessons", "課程"),
    "lessons_title": ("Lessons: predict, run, explain", "課程：預測、執行、解釋"),
    "lessons_intro": (
        "Each lesson asks a question, runs a scenario preset with one knob changed, and "
        "shows what happened and why. Pick a lesson.",
        "每一課先提出問題，執行一個情境並調整一個參數，再說明發生了什麼以及原因。選一課開始。",
    ),
    "lessons_errors": (
        "These lesson files could not be read:",
        "下列課程檔案無法讀取：",
    ),
    "lesson_back": ("← All lessons", "← 所有課程"),
    "lesson_n": ("Lesson {n}", "第 {n} 課"),
    "lesson_setup": ("Set-up", "設定"),
    "lesson_preset": ("Scenario preset: {preset}", "情境：{preset}"),
    "lesson_change": (
        "Changed run: {knob} {old} → {new} {unit}",
        "調整後：{knob} {old} → {new} {unit}",
    ),
    "lesson_extra": ("Also run: “{name}”, {values}", "另外執行：「{name}」，{values}"),
    "lesson_months": (
        "Each run: {months} months from January 2024, random seed {seed}",
        "每次模擬：自 2024 年 1 月起 {months} 個月，隨機種子 {seed}",
    ),
    "lesson_predict": ("Your prediction", "你的預測"),
    "lesson_pick": ("Pick your prediction, then run the lesson.", "先選出你的預測，再執行本課。"),
    "lesson_run": ("Run the lesson", "執行本課"),
    "lesson_again": ("Predict again", "重新預測"),
    "lesson_you": ("You predicted", "你的預測"),
    "lesson_model": ("What the model did", "模型的結果"),
    "lesson_right": ("You predicted it.", "你預測對了。"),
    "lesson_wrong": ("Not what you predicted.", "和你的預測不同。"),
    "lesson_claim_h": (
        "The claim, checked on these runs (seed {seed})",
        "本課的結論，以這幾次模擬檢驗（種子 {seed}）",
    ),
    "lesson_holds": ("The claim holds.", "結論成立。"),
    "lesson_fails": (
        "The claim does not hold for this seed, so the answer above may not apply here.",
        "結論在這個種子上不成立，上面的答案在這裡可能不適用。",
    ),
    "lesson_check": ("Check", "條件"),
    "lesson_measured": ("Measured", "實測"),
    "lesson_against": ("Against", "比較值"),
    "lesson_notice_h": ("What to notice", "值得注意"),
    "lesson_why_h": ("Why", "為什麼"),
    "lesson_try_h": ("Things to try", "可以試試"),
    "lesson_terms_h": ("Terms", "名詞"),
    "lesson_showing": ("The page shows {run}. Show instead:", "頁面目前顯示{run}。改為顯示："),
    "lesson_not_showing": (
        "The page no longer shows a run of this lesson. Show:",
        "頁面已不再顯示本課的模擬。顯示：",
    ),
    "lesson_failed": ("The lesson could not run:", "本課無法執行："),
    "lesson_watch_also": (
        "The same picture is on the page above (charts are in the Charts tab); press Reset "
        "then Play to watch this run unfold month by month.",
        "同樣的圖也在頁面上（圖表在「圖表」分頁）；按「重設」再按「播放」，可逐月觀看這次模擬。",
    ),
    "run_preset": ("the preset run", "原始情境"),
    "run_changed": ("the changed run", "調整後的模擬"),
    "run_extra": ("the “{name}” run", "「{name}」模擬"),
    "gauge_history": ("{gauge}, month by month", "{gauge}，逐月"),
    "band_edge": ("{lo} | {hi}", "{lo}｜{hi}"),
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
    """US$ billions as ``$2.3B``, ``-$2.3B`` or ``23 億美元`` (millions below a billion).

    What rounds to zero is shown as zero, never as ``$-0M``.
    """
    if value is None or not math.isfinite(value):
        return "—"
    if abs(value) < 0.0005:  # under half a million dollars
        value = 0.0
    sign = "-" if value < 0 else ""
    mag = abs(value)
    if lang == ZH:
        yi = mag * 10.0  # 1 億 = 100 million
        if yi >= 10:
            return f"{sign}{yi:,.0f} 億美元"
        if yi >= 0.1:
            return f"{sign}{yi:,.1f} 億美元"
        return f"{sign}{mag * 1000:,.0f} 百萬美元"
    if mag >= 100:
        return f"{sign}${mag:,.0f}B"
    if mag >= 0.1:
        return f"{sign}${mag:,.2f}B"
    return f"{sign}${mag * 1000:,.0f}M"


def unit(raw: str, lang: str) -> str:
    """A unit from the calibration table in ``lang`` (unknown units are kept as written)."""
    key = f"unit_{raw}"
    return tr(key, lang) if key in TEXT else raw


# ---------------------------------------------------------------------- event texts
_NUM = r"[\d.,]+"
_EVENT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"^(?P<app>.+?) signs (?P<gw>{_NUM}) GW with (?P<cloud>.+?) \(announced deal\): "
            rf"\$(?P<value>{_NUM})B over (?P<term>\d+) months from (?P<start>\d{{4}}-\d{{2}})$"
        ),
        "{app} 與 {cloud} 簽下 {gw} GW（已公布的合約）：{term} 個月共 {value}，{start} 起算",
    ),
    (
        re.compile(
            rf"^No cloud can finance (?P<gw>{_NUM}) of the (?P<total>{_NUM}) GW (?P<app>.+?) "
            r"wants$"
        ),
        "{app} 需要的 {total} GW 中，有 {gw} GW 沒有雲端業者能籌措資金",
    ),
    (
        re.compile(
            rf"^(?P<g>.+?) owes (?P<cloud>.+?) \$(?P<amount>{_NUM})B for capacity left unused$"
        ),
        "{g} 須為 {cloud} 閒置的產能支付 {amount}",
    ),
    (
        re.compile(
            rf"^(?P<n>\d+) tranche\(s\) of (?P<holder>.+?)'s (?P<issuer>.+?) warrant vest: "
            rf"(?P<shares>{_NUM})M shares worth \$(?P<value>{_NUM})B "
            r"\((?P<v>\d+) of (?P<t>\d+)\)$"
        ),
        "{holder} 持有的 {issuer} 認股權證有 {n} 期既得：{shares} 百萬股，價值 {value}"
        "（已既得 {v} 期，共 {t} 期）",
    ),
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
    (re.compile(rf"^book equity of (?P<neg>-?)\$(?P<eq>{_NUM})B$"), "帳面權益 {neg}{eq}"),
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
