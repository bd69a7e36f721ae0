#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the XLSForm sources of the two example forms.

examples/forms/household_energy.xml and examples/forms/enterprise_lowcarbon.xml are
hand-written XForms. This script holds the same two forms as XLSForms -- one Python list
of rows per sheet (survey, choices, settings), below -- and writes them as

    examples/forms/household_energy.xlsx
    examples/forms/enterprise_lowcarbon.xlsx

Run it from anywhere (paths are relative to the repository root, found from this
file's location); it needs only the Python 3 standard library:

    python3 scripts/xlsform-examples.py

The output is deterministic: the same rows always give the same bytes (fixed zip
timestamps and member order, strings shared in order of first use), so a regenerated
file only differs when the rows here changed.

To turn an .xlsx back into an XForm:

    survey-cli xlsform examples/forms/household_energy.xlsx -o household_energy.xml

Sheet layout: a sheet is a list whose first element is its header row (the column
names); the other elements are rows, either a list of cells in header order or a dict
from column name to cell (survey rows are dicts, so that each filled cell is named).
Empty cells are left out of the worksheet. Every cell is written as a (shared) string,
as XLSForm reads every value as text anyway.

Differences from the hand-written XForms, all forced by XLSForm itself:
- choice lists become secondary instances with itemsets (what pyxform writes) instead
  of inline <item>s; identical lists are shared (yes_no);
- a repeat gets its own (unlabelled) body group inside the labelled outer group, and
  groups holding only calculations get an empty body <group>;
- XLSForm can only put ${name} into a label, not an expression, so the household
  form's labels that showed round(...) of a value show the unrounded value instead
  (vehicle_note, summary); the submission data are unchanged;
- XLSForm converters (pyxform, survey-cli) turn curly quotes in any cell into straight
  ones, so the two Chinese constraint messages that quote an option with “…”
  (appliances, services) come out with "…".
"""

import os
import zipfile
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMS = os.path.join(ROOT, "examples", "forms")

SURVEY_COLUMNS = [
    "type",
    "name",
    "label::English (en)",
    "label::中文 (zh)",
    "hint::English (en)",
    "hint::中文 (zh)",
    "required",
    "required_message::English (en)",
    "required_message::中文 (zh)",
    "relevant",
    "constraint",
    "constraint_message::English (en)",
    "constraint_message::中文 (zh)",
    "calculation",
    "appearance",
]

# ============================================================================ household_energy

HOUSEHOLD_SURVEY = [
    SURVEY_COLUMNS,
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {"type": "today", "name": "today"},
    {
        "type": "note",
        "name": "intro",
        "label::English (en)": "This survey records how your household uses energy. The results feed the city's carbon-emissions baseline. Your answers are confidential and will only be used for statistics.",
        "label::中文 (zh)": "本调查记录您家庭的能源使用情况，结果将用于建立本市碳排放基线。您的回答严格保密，仅用于统计分析。",
    },
    {
        "type": "text",
        "name": "enumerator",
        "label::English (en)": "Enumerator name",
        "label::中文 (zh)": "调查员姓名",
        "required": "yes",
        "required_message::English (en)": "Please enter the enumerator's name.",
        "required_message::中文 (zh)": "请填写调查员姓名。",
    },
    {
        "type": "date",
        "name": "interview_date",
        "label::English (en)": "Interview date",
        "label::中文 (zh)": "访问日期",
        "required": "yes",
        "constraint": ". <= today()",
        "constraint_message::English (en)": "The interview date cannot be in the future.",
        "constraint_message::中文 (zh)": "访问日期不能晚于今天。",
    },
    {
        "type": "text",
        "name": "hh_id",
        "label::English (en)": "Household ID",
        "label::中文 (zh)": "住户编号",
        "hint::English (en)": "Two capital letters for the district code followed by four digits, e.g. BD0127.",
        "hint::中文 (zh)": "两位大写字母（区县代码）加四位数字，例如 BD0127。",
        "required": "yes",
        "required_message::English (en)": "The household ID is required.",
        "required_message::中文 (zh)": "住户编号为必填项。",
        "constraint": "regex(., '^[A-Z]{2}[0-9]{4}$')",
        "constraint_message::English (en)": "The household ID must be two capital letters followed by four digits, e.g. BD0127.",
        "constraint_message::中文 (zh)": "住户编号须为两位大写字母加四位数字，例如 BD0127。",
    },
    {
        "type": "select_one district",
        "name": "district",
        "label::English (en)": "Type of area",
        "label::中文 (zh)": "所在区域类型",
        "required": "yes",
    },
    {
        "type": "geopoint",
        "name": "location",
        "label::English (en)": "GPS location of the dwelling",
        "label::中文 (zh)": "住宅GPS位置",
        "hint::English (en)": "Stand at the main entrance and wait until the accuracy is 10 m or better.",
        "hint::中文 (zh)": "请站在住宅正门处，待定位精度达到10米以内再记录。",
        "required": "yes",
        "required_message::English (en)": "Please record the GPS location.",
        "required_message::中文 (zh)": "请记录GPS位置。",
    },
    {
        "type": "image",
        "name": "house_photo",
        "label::English (en)": "Photo of the dwelling from outside",
        "label::中文 (zh)": "住宅外观照片",
        "hint::English (en)": "Do not photograph people's faces.",
        "hint::中文 (zh)": "请勿拍摄人脸。",
    },
    {
        "type": "begin group",
        "name": "dwelling",
        "label::English (en)": "Dwelling",
        "label::中文 (zh)": "住房情况",
        "appearance": "field-list",
    },
    {
        "type": "select_one dwelling_type",
        "name": "dwelling_type",
        "label::English (en)": "Type of dwelling",
        "label::中文 (zh)": "住房类型",
        "required": "yes",
    },
    {
        "type": "decimal",
        "name": "floor_area",
        "label::English (en)": "Usable floor area (m²)",
        "label::中文 (zh)": "使用面积（平方米）",
        "required": "yes",
        "constraint": ". > 0 and . <= 1000",
        "constraint_message::English (en)": "The floor area must be greater than 0 and at most 1000 m².",
        "constraint_message::中文 (zh)": "面积须大于0且不超过1000平方米。",
    },
    {
        "type": "select_one tenure",
        "name": "tenure",
        "label::English (en)": "Does the household own or rent this dwelling?",
        "label::中文 (zh)": "该住房是自有还是租住？",
    },
    {"type": "end group"},
    {
        "type": "begin group",
        "name": "members",
        "label::English (en)": "Household members",
        "label::中文 (zh)": "家庭成员",
    },
    {"type": "begin repeat", "name": "member"},
    {
        "type": "text",
        "name": "name",
        "label::English (en)": "Member's name",
        "label::中文 (zh)": "成员姓名",
        "required": "yes",
        "required_message::English (en)": "Please enter the member's name.",
        "required_message::中文 (zh)": "请填写成员姓名。",
    },
    {
        "type": "integer",
        "name": "age",
        "label::English (en)": "Age in completed years",
        "label::中文 (zh)": "年龄（周岁）",
        "required": "yes",
        "constraint": ". >= 0 and . <= 120",
        "constraint_message::English (en)": "Age must be between 0 and 120.",
        "constraint_message::中文 (zh)": "年龄须在0到120岁之间。",
    },
    {
        "type": "select_one sex",
        "name": "sex",
        "label::English (en)": "Sex",
        "label::中文 (zh)": "性别",
        "required": "yes",
    },
    {
        "type": "select_one occupation",
        "name": "occupation",
        "label::English (en)": "Main occupation",
        "label::中文 (zh)": "主要职业",
        "relevant": "${age} >= 15",
    },
    {"type": "end repeat"},
    {"type": "end group"},
    {"type": "integer", "name": "member_count", "calculation": "count(${member})"},
    {
        "type": "select_multiple appliances",
        "name": "appliances",
        "label::English (en)": "Which of these appliances does the household use? Select all that apply.",
        "label::中文 (zh)": "家中使用以下哪些电器？（可多选）",
        "required": "yes",
        "constraint": "not(selected(., 'none') and count-selected(.) > 1)",
        "constraint_message::English (en)": "'None of these' cannot be combined with other options.",
        "constraint_message::中文 (zh)": "“以上都没有”不能与其他选项同时选择。",
    },
    {
        "type": "integer",
        "name": "ac_count",
        "label::English (en)": "How many air-conditioner units are installed?",
        "label::中文 (zh)": "家中共安装了几台空调？",
        "required": "yes",
        "relevant": "selected(${appliances}, 'ac')",
        "constraint": ". >= 1 and . <= 20",
        "constraint_message::English (en)": "Enter a number from 1 to 20.",
        "constraint_message::中文 (zh)": "请输入1到20之间的数字。",
    },
    {
        "type": "select_one water_heater_type",
        "name": "water_heater_type",
        "label::English (en)": "Main type of water heater",
        "label::中文 (zh)": "主要热水器类型",
        "relevant": "selected(${appliances}, 'water_heater')",
    },
    {
        "type": "select_one led_lighting",
        "name": "led_lighting",
        "label::English (en)": "How much of the home's lighting uses LED lamps?",
        "label::中文 (zh)": "家中照明使用LED灯的比例如何？",
    },
    {
        "type": "decimal",
        "name": "elec_kwh",
        "label::English (en)": "Average monthly electricity use (kWh)",
        "label::中文 (zh)": "月均用电量（千瓦时）",
        "hint::English (en)": "Average of the last 12 months, taken from the electricity bills or the utility's app.",
        "hint::中文 (zh)": "请根据电费账单或供电公司App，填写近12个月的月均用电量。",
        "required": "yes",
        "required_message::English (en)": "Monthly electricity use is required; enter 0 if none.",
        "required_message::中文 (zh)": "月均用电量为必填项；如无用电请填0。",
        "constraint": ". >= 0 and . <= 5000",
        "constraint_message::English (en)": "Monthly electricity use must be between 0 and 5000 kWh.",
        "constraint_message::中文 (zh)": "月均用电量须在0到5000千瓦时之间。",
    },
    {
        "type": "decimal",
        "name": "elec_bill",
        "label::English (en)": "Average monthly electricity bill (CNY)",
        "label::中文 (zh)": "月均电费（元）",
        "constraint": ". >= 0 and . <= 10000",
        "constraint_message::English (en)": "Enter an amount from 0 to 10000 CNY.",
        "constraint_message::中文 (zh)": "请输入0到10000元之间的金额。",
    },
    {
        "type": "select_multiple cooking_fuels",
        "name": "cooking_fuels",
        "label::English (en)": "Which fuels does the household use for cooking and hot water? Select all that apply.",
        "label::中文 (zh)": "家庭做饭和烧水使用哪些燃料？（可多选）",
        "required": "yes",
        "required_message::English (en)": "Select at least one fuel.",
        "required_message::中文 (zh)": "请至少选择一种燃料。",
    },
    {
        "type": "begin group",
        "name": "fuel_use",
        "label::English (en)": "Monthly fuel use",
        "label::中文 (zh)": "月均燃料用量",
        "relevant": "selected(${cooking_fuels}, 'lpg') or selected(${cooking_fuels}, 'natural_gas') or selected(${cooking_fuels}, 'coal') or selected(${cooking_fuels}, 'biomass')",
        "appearance": "field-list",
    },
    {
        "type": "decimal",
        "name": "lpg_kg",
        "label::English (en)": "LPG used per month (kg)",
        "label::中文 (zh)": "每月液化石油气用量（千克）",
        "hint::English (en)": "A standard household cylinder holds about 15 kg.",
        "hint::中文 (zh)": "一罐家用标准液化气约15千克。",
        "required": "yes",
        "relevant": "selected(${cooking_fuels}, 'lpg')",
        "constraint": ". >= 0 and . <= 200",
        "constraint_message::English (en)": "Enter a value from 0 to 200 kg.",
        "constraint_message::中文 (zh)": "请输入0到200千克之间的数值。",
    },
    {
        "type": "decimal",
        "name": "ng_m3",
        "label::English (en)": "Natural gas used per month (m³)",
        "label::中文 (zh)": "每月天然气用量（立方米）",
        "hint::English (en)": "Read it from the gas bill. Include gas used for water heating and space heating.",
        "hint::中文 (zh)": "请参照燃气账单填写，包括热水器和采暖用气。",
        "required": "yes",
        "relevant": "selected(${cooking_fuels}, 'natural_gas')",
        "constraint": ". >= 0 and . <= 1000",
        "constraint_message::English (en)": "Enter a value from 0 to 1000 m³.",
        "constraint_message::中文 (zh)": "请输入0到1000立方米之间的数值。",
    },
    {
        "type": "decimal",
        "name": "coal_kg",
        "label::English (en)": "Coal used per month, averaged over the year (kg)",
        "label::中文 (zh)": "每月用煤量，按全年平均（千克）",
        "hint::English (en)": "Include coal burned for winter heating and spread the yearly amount over 12 months.",
        "hint::中文 (zh)": "包括冬季取暖用煤，请将全年用量平均到12个月。",
        "required": "yes",
        "relevant": "selected(${cooking_fuels}, 'coal')",
        "constraint": ". >= 0 and . <= 2000",
        "constraint_message::English (en)": "Enter a value from 0 to 2000 kg.",
        "constraint_message::中文 (zh)": "请输入0到2000千克之间的数值。",
    },
    {
        "type": "decimal",
        "name": "biomass_kg",
        "label::English (en)": "Biomass used per month (kg)",
        "label::中文 (zh)": "每月生物质用量（千克）",
        "hint::English (en)": "CO₂ from burning biomass is counted as biogenic and is not added to the household total.",
        "hint::中文 (zh)": "生物质燃烧产生的二氧化碳按生物源处理，不计入家庭排放总量。",
        "required": "yes",
        "relevant": "selected(${cooking_fuels}, 'biomass')",
        "constraint": ". >= 0 and . <= 2000",
        "constraint_message::English (en)": "Enter a value from 0 to 2000 kg.",
        "constraint_message::中文 (zh)": "请输入0到2000千克之间的数值。",
    },
    {"type": "end group"},
    {
        "type": "select_one heating_type",
        "name": "heating_type",
        "label::English (en)": "Main way of heating the home in winter",
        "label::中文 (zh)": "冬季主要采暖方式",
        "required": "yes",
    },
    {
        "type": "integer",
        "name": "heating_months",
        "label::English (en)": "For how many months a year is the heating used?",
        "label::中文 (zh)": "每年采暖几个月？",
        "required": "yes",
        "relevant": "${heating_type} != 'none'",
        "constraint": ". >= 1 and . <= 12",
        "constraint_message::English (en)": "Enter a number from 1 to 12.",
        "constraint_message::中文 (zh)": "请输入1到12之间的数字。",
    },
    {
        "type": "select_one yes_no",
        "name": "has_vehicle",
        "label::English (en)": "Does the household own or regularly use a motor vehicle?",
        "label::中文 (zh)": "家庭是否拥有或经常使用机动车？",
        "required": "yes",
    },
    {
        "type": "begin group",
        "name": "vehicles",
        "label::English (en)": "Vehicles",
        "label::中文 (zh)": "车辆信息",
        "relevant": "${has_vehicle} = 'yes'",
    },
    {"type": "begin repeat", "name": "vehicle"},
    {
        "type": "select_one vehicle_type",
        "name": "vehicle_type",
        "label::English (en)": "Vehicle type",
        "label::中文 (zh)": "车辆类型",
        "required": "yes",
    },
    {
        "type": "select_one fuel",
        "name": "fuel",
        "label::English (en)": "Fuel or power source",
        "label::中文 (zh)": "燃料或动力类型",
        "required": "yes",
    },
    {
        "type": "decimal",
        "name": "annual_km",
        "label::English (en)": "Distance driven per year (km)",
        "label::中文 (zh)": "年行驶里程（公里）",
        "hint::English (en)": "Estimate from the odometer or the yearly service record.",
        "hint::中文 (zh)": "可根据里程表或年度保养记录估算。",
        "required": "yes",
        "constraint": ". >= 0 and . <= 200000",
        "constraint_message::English (en)": "Enter a distance from 0 to 200000 km.",
        "constraint_message::中文 (zh)": "请输入0到200000公里之间的里程。",
    },
    {
        "type": "decimal",
        "name": "vehicle_kgco2",
        "calculation": "coalesce(${annual_km}, 0) div 100 * if(${fuel} = 'petrol', ${fe_petrol} * ${ef_petrol}, if(${fuel} = 'diesel', ${fe_diesel} * ${ef_diesel}, if(${fuel} = 'hybrid', ${fe_hybrid} * ${ef_petrol}, if(${fuel} = 'electric', ${fe_ev} * ${ef_grid}, 0))))",
    },
    # The XForm showed round(vehicle_kgco2, 0) here; an XLSForm label can only hold
    # ${name}, so this shows the unrounded value.
    {
        "type": "note",
        "name": "vehicle_note",
        "label::English (en)": "Estimated emissions of this vehicle: ${vehicle_kgco2} kg CO₂ per year.",
        "label::中文 (zh)": "该车辆年估算排放：${vehicle_kgco2} 千克二氧化碳。",
    },
    {"type": "end repeat"},
    {"type": "end group"},
    {
        "type": "integer",
        "name": "vehicle_count",
        "calculation": "if(${has_vehicle} = 'yes', count(${vehicle}), 0)",
    },
    {
        "type": "begin group",
        "name": "factors",
        "label::English (en)": "Emission factors",
        "label::中文 (zh)": "排放因子",
    },
    {"type": "decimal", "name": "ef_grid", "calculation": "0.5703"},
    {"type": "decimal", "name": "ef_lpg", "calculation": "2.985"},
    {"type": "decimal", "name": "ef_ng", "calculation": "2.184"},
    {"type": "decimal", "name": "ef_coal", "calculation": "1.978"},
    {"type": "decimal", "name": "ef_petrol", "calculation": "2.272"},
    {"type": "decimal", "name": "ef_diesel", "calculation": "2.676"},
    {"type": "decimal", "name": "fe_petrol", "calculation": "8.0"},
    {"type": "decimal", "name": "fe_diesel", "calculation": "9.0"},
    {"type": "decimal", "name": "fe_hybrid", "calculation": "5.0"},
    {"type": "decimal", "name": "fe_ev", "calculation": "15.0"},
    {
        "type": "note",
        "name": "factors_note",
        "label::English (en)": "Emission factors used: grid electricity ${ef_grid} kg CO₂/kWh; LPG ${ef_lpg} kg CO₂/kg; natural gas ${ef_ng} kg CO₂/m³; coal ${ef_coal} kg CO₂/kg; petrol ${ef_petrol} kg CO₂/L; diesel ${ef_diesel} kg CO₂/L.",
        "label::中文 (zh)": "所用排放因子：电网电力 ${ef_grid} 千克二氧化碳/千瓦时；液化石油气 ${ef_lpg} 千克二氧化碳/千克；天然气 ${ef_ng} 千克二氧化碳/立方米；煤 ${ef_coal} 千克二氧化碳/千克；汽油 ${ef_petrol} 千克二氧化碳/升；柴油 ${ef_diesel} 千克二氧化碳/升。",
        "hint::English (en)": "Sources: electricity - national grid average emission factor of 0.5703 t CO₂/MWh set by the Ministry of Ecology and Environment (notice Huanban Qihou Han [2023] No. 43). Fuels - IPCC 2006 Guidelines, Vol. 2, Ch. 1 default net calorific values (Table 1.2) and CO₂ emission factors (Table 1.4), oxidation factor 1: LPG 47.3 TJ/Gg x 63,100 kg/TJ; natural gas 56,100 kg/TJ x 38.931 MJ/m³; coal (other bituminous) 94,600 kg/TJ x 20.908 MJ/kg; petrol 44.3 TJ/Gg x 69,300 kg/TJ; diesel 43.0 TJ/Gg x 74,100 kg/TJ. Assumptions: the gas and coal heating values (China GB/T 2589 reference values), fuel densities (petrol 0.74 kg/L, diesel 0.84 kg/L) and vehicle fuel use (petrol ${fe_petrol} L/100 km, diesel ${fe_diesel} L/100 km, hybrid ${fe_hybrid} L/100 km, electric ${fe_ev} kWh/100 km).",
        "hint::中文 (zh)": "来源：电力——生态环境部《关于做好2023—2025年发电行业企业温室气体排放报告管理有关工作的通知》（环办气候函〔2023〕43号）规定的全国电网平均排放因子0.5703吨二氧化碳/兆瓦时。燃料——《2006年IPCC国家温室气体清单指南》第2卷第1章缺省净发热值（表1.2）和二氧化碳排放因子（表1.4），氧化率取1：液化石油气 47.3 太焦/千吨 × 63,100 千克/太焦；天然气 56,100 千克/太焦 × 38.931 兆焦/立方米；煤（其他烟煤）94,600 千克/太焦 × 20.908 兆焦/千克；汽油 44.3 太焦/千吨 × 69,300 千克/太焦；柴油 43.0 太焦/千吨 × 74,100 千克/太焦。假设项：天然气和煤的发热值（取国家标准GB/T 2589参考值）、燃油密度（汽油0.74千克/升，柴油0.84千克/升）以及车辆能耗（汽油车 ${fe_petrol} 升/百公里，柴油车 ${fe_diesel} 升/百公里，混合动力 ${fe_hybrid} 升/百公里，纯电动 ${fe_ev} 千瓦时/百公里）。",
    },
    {"type": "end group"},
    {"type": "begin group", "name": "emissions"},
    {
        "type": "decimal",
        "name": "co2_elec",
        "calculation": "coalesce(${elec_kwh}, 0) * 12 * ${ef_grid}",
    },
    {
        "type": "decimal",
        "name": "co2_lpg",
        "calculation": "if(selected(${cooking_fuels}, 'lpg'), coalesce(${lpg_kg}, 0) * 12 * ${ef_lpg}, 0)",
    },
    {
        "type": "decimal",
        "name": "co2_ng",
        "calculation": "if(selected(${cooking_fuels}, 'natural_gas'), coalesce(${ng_m3}, 0) * 12 * ${ef_ng}, 0)",
    },
    {
        "type": "decimal",
        "name": "co2_coal",
        "calculation": "if(selected(${cooking_fuels}, 'coal'), coalesce(${coal_kg}, 0) * 12 * ${ef_coal}, 0)",
    },
    {
        "type": "decimal",
        "name": "co2_vehicles",
        "calculation": "if(${has_vehicle} = 'yes', sum(${vehicle_kgco2}), 0)",
    },
    {
        "type": "decimal",
        "name": "co2_total",
        "calculation": "${co2_elec} + ${co2_lpg} + ${co2_ng} + ${co2_coal} + ${co2_vehicles}",
    },
    {
        "type": "decimal",
        "name": "co2_total_t",
        "calculation": "round(${co2_total} div 1000, 2)",
    },
    {
        "type": "decimal",
        "name": "co2_per_capita",
        "calculation": "if(${member_count} > 0, round(${co2_total} div ${member_count}, 1), 0)",
    },
    {"type": "end group"},
    # The XForm showed round(...) of co2_elec, of co2_lpg + co2_ng + co2_coal and of
    # co2_vehicles here; an XLSForm label can only hold ${name}, so this shows the
    # unrounded values and the three fuels one by one.
    {
        "type": "acknowledge",
        "name": "summary",
        "label::English (en)": "Estimated annual CO₂ emissions of this household: ${co2_total_t} t CO₂ (${co2_per_capita} kg CO₂ per person, ${member_count} members). Electricity ${co2_elec} kg; cooking and heating fuels: LPG ${co2_lpg} kg, natural gas ${co2_ng} kg, coal ${co2_coal} kg; vehicles ${co2_vehicles} kg. Read the result to the respondent, then tap OK.",
        "label::中文 (zh)": "本户年估算二氧化碳排放量：${co2_total_t} 吨（人均 ${co2_per_capita} 千克，共 ${member_count} 人）。其中电力 ${co2_elec} 千克；炊事和采暖燃料：液化石油气 ${co2_lpg} 千克、天然气 ${co2_ng} 千克、煤 ${co2_coal} 千克；车辆 ${co2_vehicles} 千克。请向受访者说明结果后点击确定。",
    },
    {
        "type": "text",
        "name": "remarks",
        "label::English (en)": "Enumerator remarks (optional)",
        "label::中文 (zh)": "调查员备注（选填）",
    },
]

HOUSEHOLD_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::中文 (zh)"],
    ["district", "urban", "Urban district", "城区"],
    ["district", "suburban", "Suburban area", "近郊区"],
    ["district", "rural", "Rural township or village", "农村乡镇或村庄"],

    ["dwelling_type", "apartment", "Flat in a multi-storey building", "楼房单元房"],
    ["dwelling_type", "house", "Detached or terraced house", "独栋或联排住宅"],
    ["dwelling_type", "bungalow", "Single-storey courtyard house", "平房或院落"],
    ["dwelling_type", "other", "Other", "其他"],

    ["tenure", "owned", "Owned", "自有"],
    ["tenure", "rented", "Rented", "租住"],
    ["tenure", "other", "Other", "其他"],

    ["sex", "male", "Male", "男"],
    ["sex", "female", "Female", "女"],

    ["occupation", "employed", "Employee", "受雇人员"],
    ["occupation", "self_employed", "Self-employed or business owner", "个体经营或企业主"],
    ["occupation", "farmer", "Farming", "务农"],
    ["occupation", "student", "Student", "学生"],
    ["occupation", "retired", "Retired", "退休"],
    ["occupation", "homemaker", "Homemaker", "料理家务"],
    ["occupation", "unemployed", "Looking for work", "待业"],
    ["occupation", "other", "Other", "其他"],

    ["appliances", "fridge", "Refrigerator", "冰箱"],
    ["appliances", "ac", "Air conditioner", "空调"],
    ["appliances", "water_heater", "Water heater", "热水器"],
    ["appliances", "tv", "Television", "电视机"],
    ["appliances", "washer", "Washing machine", "洗衣机"],
    ["appliances", "computer", "Computer", "电脑"],
    ["appliances", "microwave", "Microwave oven", "微波炉"],
    ["appliances", "dishwasher", "Dishwasher", "洗碗机"],
    ["appliances", "none", "None of these", "以上都没有"],

    ["water_heater_type", "electric", "Electric storage or instant", "电热水器"],
    ["water_heater_type", "gas", "Gas", "燃气热水器"],
    ["water_heater_type", "solar", "Solar thermal", "太阳能热水器"],
    ["water_heater_type", "heat_pump", "Air-source heat pump", "空气能热泵热水器"],

    ["led_lighting", "all", "All", "全部"],
    ["led_lighting", "most", "Most", "大部分"],
    ["led_lighting", "some", "Some", "少部分"],
    ["led_lighting", "none", "None", "没有"],

    ["cooking_fuels", "electricity", "Electricity", "电"],
    ["cooking_fuels", "lpg", "Bottled LPG", "罐装液化石油气"],
    ["cooking_fuels", "natural_gas", "Natural gas or piped gas", "天然气或管道燃气"],
    ["cooking_fuels", "coal", "Coal or coal briquettes", "煤或蜂窝煤"],
    ["cooking_fuels", "biomass", "Firewood, straw or other biomass", "柴草、秸秆等生物质"],

    ["heating_type", "none", "No heating", "不采暖"],
    ["heating_type", "district", "District (central) heating", "集中供暖"],
    ["heating_type", "electric", "Electric heaters or heat-pump air conditioner", "电暖器或热泵空调"],
    ["heating_type", "gas_boiler", "Wall-hung gas boiler", "燃气壁挂炉"],
    ["heating_type", "coal_stove", "Coal stove or coal-fired boiler", "燃煤炉或土暖气"],
    ["heating_type", "other", "Other", "其他"],

    ["yes_no", "yes", "Yes", "是"],
    ["yes_no", "no", "No", "否"],

    ["vehicle_type", "car", "Car or SUV", "小汽车或SUV"],
    ["vehicle_type", "motorcycle", "Motorcycle", "摩托车"],
    ["vehicle_type", "light_truck", "Pickup or light truck", "皮卡或轻型货车"],

    ["fuel", "petrol", "Petrol", "汽油"],
    ["fuel", "diesel", "Diesel", "柴油"],
    ["fuel", "electric", "Battery electric", "纯电动"],
    ["fuel", "hybrid", "Petrol-electric hybrid", "油电混合动力"],
]

HOUSEHOLD_SETTINGS = [
    ["form_title", "form_id", "version", "name", "default_language", "instance_name"],
    {
        "form_title": "Household Energy Use and Emissions Survey / 家庭能源使用与碳排放调查",
        "form_id": "household_energy",
        "version": "2026112801",
        "name": "data",  # the instance root element, as in the XForms
        "default_language": "English (en)",
        "instance_name": "concat('HH-', ${hh_id}, '-', ${today})",
    },
]

# ============================================================================ enterprise_lowcarbon

ENTERPRISE_SURVEY = [
    SURVEY_COLUMNS,
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {"type": "today", "name": "today"},
    {
        "type": "note",
        "name": "intro",
        "label::English (en)": "This survey asks about your company's energy use and its demand for low-carbon services. The information is used only for aggregated analysis by the city's low-carbon service programme.",
        "label::中文 (zh)": "本调查了解贵单位的能源使用情况及对低碳服务的需求，信息仅用于本市低碳服务项目的汇总分析。",
    },
    {
        "type": "text",
        "name": "enumerator",
        "label::English (en)": "Interviewer name",
        "label::中文 (zh)": "调查员姓名",
        "required": "yes",
        "required_message::English (en)": "Please enter the interviewer's name.",
        "required_message::中文 (zh)": "请填写调查员姓名。",
    },
    {
        "type": "date",
        "name": "visit_date",
        "label::English (en)": "Date of visit",
        "label::中文 (zh)": "走访日期",
        "required": "yes",
        "constraint": ". <= today()",
        "constraint_message::English (en)": "The date of visit cannot be in the future.",
        "constraint_message::中文 (zh)": "走访日期不能晚于今天。",
    },
    {
        "type": "begin group",
        "name": "company",
        "label::English (en)": "Company information",
        "label::中文 (zh)": "企业基本信息",
        "appearance": "field-list",
    },
    {
        "type": "text",
        "name": "company_name",
        "label::English (en)": "Registered company name",
        "label::中文 (zh)": "企业注册名称",
        "required": "yes",
        "required_message::English (en)": "The company name is required.",
        "required_message::中文 (zh)": "企业名称为必填项。",
    },
    {
        "type": "text",
        "name": "credit_code",
        "label::English (en)": "Unified social credit code",
        "label::中文 (zh)": "统一社会信用代码",
        "hint::English (en)": "18 characters as printed on the business licence; leave blank if unknown.",
        "hint::中文 (zh)": "营业执照上的18位代码；如不清楚可不填。",
        "constraint": "regex(., '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$')",
        "constraint_message::English (en)": "The code must have 18 characters: digits and capital letters other than I, O, S, V and Z.",
        "constraint_message::中文 (zh)": "代码须为18位，由数字和大写字母组成（不含I、O、S、V、Z）。",
    },
    {
        "type": "text",
        "name": "respondent_name",
        "label::English (en)": "Respondent name",
        "label::中文 (zh)": "受访人姓名",
        "required": "yes",
        "required_message::English (en)": "Please enter the respondent's name.",
        "required_message::中文 (zh)": "请填写受访人姓名。",
    },
    {
        "type": "select_one respondent_role",
        "name": "respondent_role",
        "label::English (en)": "Respondent's role",
        "label::中文 (zh)": "受访人职务",
    },
    {
        "type": "text",
        "name": "phone",
        "label::English (en)": "Contact mobile number",
        "label::中文 (zh)": "联系手机号码",
        "constraint": "regex(., '^1[3-9][0-9]{9}$')",
        "constraint_message::English (en)": "Enter an 11-digit mainland China mobile number.",
        "constraint_message::中文 (zh)": "请输入11位中国大陆手机号码。",
    },
    {"type": "end group"},
    {
        "type": "select_one sector",
        "name": "sector",
        "label::English (en)": "Main sector of activity",
        "label::中文 (zh)": "所属主要行业",
        "required": "yes",
    },
    {
        "type": "text",
        "name": "sector_other",
        "label::English (en)": "Please specify the sector",
        "label::中文 (zh)": "请注明所属行业",
        "required": "yes",
        "relevant": "${sector} = 'other'",
    },
    {
        "type": "integer",
        "name": "employees",
        "label::English (en)": "Number of employees",
        "label::中文 (zh)": "员工人数",
        "required": "yes",
        "required_message::English (en)": "The number of employees is required.",
        "required_message::中文 (zh)": "员工人数为必填项。",
        "constraint": ". >= 1 and . <= 500000",
        "constraint_message::English (en)": "Enter a number from 1 to 500000.",
        "constraint_message::中文 (zh)": "请输入1到500000之间的人数。",
    },
    {
        "type": "select_one size_class",
        "name": "size_class",
        "label::English (en)": "Enterprise size class",
        "label::中文 (zh)": "企业规模类型",
        "hint::English (en)": "As defined for the sector by China's SME classification rules (MIIT and others, 2011, No. 300).",
        "hint::中文 (zh)": "按《中小企业划型标准规定》（工信部联企业〔2011〕300号）中所属行业的标准划分。",
        "required": "yes",
    },
    {
        "type": "decimal",
        "name": "energy_spend",
        "label::English (en)": "Annual energy expenditure (10,000 CNY)",
        "label::中文 (zh)": "年能源费用支出（万元）",
        "hint::English (en)": "Electricity, fuels and purchased heat or steam in the last full year.",
        "hint::中文 (zh)": "上一完整年度电力、燃料及外购热力或蒸汽的费用合计。",
        "required": "yes",
        "constraint": ". >= 0 and . <= 1000000",
        "constraint_message::English (en)": "Enter an amount from 0 to 1,000,000 (in 10,000 CNY).",
        "constraint_message::中文 (zh)": "请输入0到1000000万元之间的金额。",
    },
    {
        "type": "select_multiple energy_types",
        "name": "energy_types",
        "label::English (en)": "Which types of energy does the company use? Select all that apply.",
        "label::中文 (zh)": "贵单位使用哪些能源？（可多选）",
        "required": "yes",
    },
    {
        "type": "decimal",
        "name": "pv_capacity_kw",
        "label::English (en)": "Installed on-site PV capacity (kW)",
        "label::中文 (zh)": "自建光伏装机容量（千瓦）",
        "required": "yes",
        "relevant": "selected(${energy_types}, 'solar_pv')",
        "constraint": ". > 0 and . <= 100000",
        "constraint_message::English (en)": "Enter a capacity greater than 0 and at most 100000 kW.",
        "constraint_message::中文 (zh)": "请输入大于0且不超过100000千瓦的容量。",
    },
    {
        "type": "select_one ghg_accounting",
        "name": "ghg_accounting",
        "label::English (en)": "Has the company ever quantified its greenhouse gas emissions?",
        "label::中文 (zh)": "贵单位是否开展过温室气体排放核算（碳盘查）？",
    },
    {
        "type": "select_one carbon_target",
        "name": "carbon_target",
        "label::English (en)": "Does the company have a carbon reduction target?",
        "label::中文 (zh)": "贵单位是否设定了碳减排目标？",
    },
    {
        "type": "select_one yes_no",
        "name": "audit_recent",
        "label::English (en)": "Has an energy audit been carried out in the last three years?",
        "label::中文 (zh)": "近三年是否开展过能源审计？",
    },
    {
        "type": "select_one audit_interest",
        "name": "audit_interest",
        "label::English (en)": "Would the company be interested in a professional energy audit?",
        "label::中文 (zh)": "贵单位是否有意开展专业能源审计？",
        "required": "yes",
        "required_message::English (en)": "Please answer the question on energy audits.",
        "required_message::中文 (zh)": "请回答能源审计意向问题。",
    },
    {
        "type": "select_one yes_no",
        "name": "emc_aware",
        "label::English (en)": "Have you heard of energy management contracts (EMC / EPC)?",
        "label::中文 (zh)": "您是否了解合同能源管理（EMC/EPC）？",
        "hint::English (en)": "In an EMC an energy service company pays for an efficiency project and is repaid out of the energy savings.",
        "hint::中文 (zh)": "合同能源管理是指由节能服务公司投资实施节能项目，并从节能收益中回收投资的模式。",
    },
    {
        "type": "select_one emc_interest",
        "name": "emc_interest",
        "label::English (en)": "Would the company consider carrying out a project under an EMC?",
        "label::中文 (zh)": "贵单位是否考虑以合同能源管理模式实施节能项目？",
        "required": "yes",
    },
    {
        "type": "select_one emc_model",
        "name": "emc_model",
        "label::English (en)": "Which EMC model would suit the company best?",
        "label::中文 (zh)": "哪种合同能源管理模式最适合贵单位？",
        "relevant": "${emc_interest} = 'yes' or ${emc_interest} = 'maybe'",
    },
    {
        "type": "select_multiple services",
        "name": "services",
        "label::English (en)": "Which low-carbon services is the company interested in? Select all that apply.",
        "label::中文 (zh)": "贵单位对哪些低碳服务感兴趣？（可多选）",
        "required": "yes",
        "constraint": "not(selected(., 'none') and count-selected(.) > 1)",
        "constraint_message::English (en)": "'No need at present' cannot be combined with other options.",
        "constraint_message::中文 (zh)": "“暂无需求”不能与其他选项同时选择。",
    },
    {
        "type": "decimal",
        "name": "wtp",
        "label::English (en)": "How much would the company be willing to spend on these services each year (10,000 CNY)?",
        "label::中文 (zh)": "贵单位每年愿意在上述服务上投入多少资金（万元）？",
        "required": "yes",
        "relevant": "(count-selected(${services}) > 0 and not(selected(${services}, 'none'))) or ${audit_interest} = 'yes'",
        "constraint": ". >= 0 and . <= ${energy_spend}",
        "constraint_message::English (en)": "The amount must be 0 or more and cannot exceed the annual energy expenditure.",
        "constraint_message::中文 (zh)": "金额不能小于0，且不能超过年能源费用支出。",
    },
    {
        "type": "select_one payback",
        "name": "payback",
        "label::English (en)": "Longest payback period the company would accept",
        "label::中文 (zh)": "可接受的最长投资回收期",
        "relevant": "(count-selected(${services}) > 0 and not(selected(${services}, 'none'))) or ${audit_interest} = 'yes'",
    },
    {
        "type": "select_multiple barriers",
        "name": "barriers",
        "label::English (en)": "What are the main barriers to low-carbon investment? Select all that apply.",
        "label::中文 (zh)": "开展低碳投资的主要障碍是什么？（可多选）",
    },
    {
        "type": "text",
        "name": "barrier_other",
        "label::English (en)": "Please describe the other barrier",
        "label::中文 (zh)": "请说明其他障碍",
        "required": "yes",
        "relevant": "selected(${barriers}, 'other')",
    },
    {
        "type": "begin group",
        "name": "sites",
        "label::English (en)": "Sites and facilities",
        "label::中文 (zh)": "厂区与设施",
    },
    {"type": "begin repeat", "name": "site"},
    {
        "type": "text",
        "name": "site_name",
        "label::English (en)": "Site or building name",
        "label::中文 (zh)": "厂区或建筑名称",
        "required": "yes",
        "required_message::English (en)": "Please name the site.",
        "required_message::中文 (zh)": "请填写厂区或建筑名称。",
    },
    {
        "type": "select_one site_type",
        "name": "site_type",
        "label::English (en)": "Main use of the site",
        "label::中文 (zh)": "主要用途",
        "required": "yes",
    },
    {
        "type": "decimal",
        "name": "floor_area",
        "label::English (en)": "Gross floor area (m²)",
        "label::中文 (zh)": "建筑面积（平方米）",
        "required": "yes",
        "constraint": ". > 0 and . <= 2000000",
        "constraint_message::English (en)": "The floor area must be greater than 0 and at most 2,000,000 m².",
        "constraint_message::中文 (zh)": "建筑面积须大于0且不超过2000000平方米。",
    },
    {
        "type": "decimal",
        "name": "annual_kwh",
        "label::English (en)": "Grid electricity purchased in the last 12 months (kWh)",
        "label::中文 (zh)": "近12个月电网购电量（千瓦时）",
        "hint::English (en)": "Add up the electricity bills; do not include self-generated solar power.",
        "hint::中文 (zh)": "请汇总电费账单，不包括自发自用的光伏电量。",
        "required": "yes",
        "constraint": ". >= 0 and . <= 1000000000",
        "constraint_message::English (en)": "Enter a value from 0 to 1,000,000,000 kWh.",
        "constraint_message::中文 (zh)": "请输入0到1000000000千瓦时之间的数值。",
    },
    {
        "type": "decimal",
        "name": "site_intensity",
        "calculation": "if(${floor_area} > 0, round(coalesce(${annual_kwh}, 0) div ${floor_area}, 1), 0)",
    },
    {
        "type": "note",
        "name": "site_note",
        "label::English (en)": "Electricity intensity of this site: ${site_intensity} kWh/m².",
        "label::中文 (zh)": "该厂区单位面积用电量：${site_intensity} 千瓦时/平方米。",
    },
    {"type": "end repeat"},
    {"type": "end group"},
    {
        "type": "geopoint",
        "name": "location",
        "label::English (en)": "GPS location of the main site",
        "label::中文 (zh)": "主厂区GPS位置",
        "hint::English (en)": "Record at the main gate.",
        "hint::中文 (zh)": "请在主大门处记录。",
        "required": "yes",
        "required_message::English (en)": "Please record the GPS location.",
        "required_message::中文 (zh)": "请记录GPS位置。",
    },
    {
        "type": "image",
        "name": "premises_photo",
        "label::English (en)": "Photo of the premises or of a major equipment nameplate",
        "label::中文 (zh)": "厂区外观或主要用能设备铭牌照片",
        "hint::English (en)": "For example the transformer, boiler or chiller nameplate.",
        "hint::中文 (zh)": "例如变压器、锅炉或冷水机组的铭牌。",
    },
    {"type": "decimal", "name": "ef_grid", "calculation": "0.5703"},
    {"type": "begin group", "name": "results"},
    {"type": "integer", "name": "site_count", "calculation": "count(${site})"},
    {"type": "decimal", "name": "total_kwh", "calculation": "sum(${annual_kwh})"},
    {"type": "decimal", "name": "total_area", "calculation": "sum(${floor_area})"},
    {
        "type": "decimal",
        "name": "intensity",
        "calculation": "if(${total_area} > 0, round(${total_kwh} div ${total_area}, 1), 0)",
    },
    {
        "type": "decimal",
        "name": "scope2_tco2",
        "calculation": "round(${total_kwh} * ${ef_grid} div 1000, 2)",
    },
    {
        "type": "decimal",
        "name": "wtp_share",
        "calculation": "if(${energy_spend} > 0, round(coalesce(${wtp}, 0) div ${energy_spend} * 100, 1), 0)",
    },
    {"type": "end group"},
    {
        "type": "acknowledge",
        "name": "summary",
        "label::English (en)": "Summary: ${site_count} sites, ${total_kwh} kWh of grid electricity per year on ${total_area} m², i.e. ${intensity} kWh/m². Estimated Scope 2 emissions: ${scope2_tco2} t CO₂ per year. The planned low-carbon budget is ${wtp_share}% of the annual energy expenditure. Confirm with the respondent, then tap OK.",
        "label::中文 (zh)": "汇总：共 ${site_count} 个厂区，年电网购电量 ${total_kwh} 千瓦时，建筑面积 ${total_area} 平方米，单位面积用电量 ${intensity} 千瓦时/平方米。估算范围二排放量：每年 ${scope2_tco2} 吨二氧化碳。计划低碳投入占年能源费用的 ${wtp_share}%。请与受访人确认后点击确定。",
        "hint::English (en)": "Scope 2 = grid electricity x ${ef_grid} kg CO₂/kWh, the national grid average emission factor set by the Ministry of Ecology and Environment (notice Huanban Qihou Han [2023] No. 43).",
        "hint::中文 (zh)": "范围二排放量 = 电网购电量 × ${ef_grid} 千克二氧化碳/千瓦时，即生态环境部（环办气候函〔2023〕43号）规定的全国电网平均排放因子。",
    },
    {
        "type": "select_one yes_no",
        "name": "follow_up",
        "label::English (en)": "May we contact the company about low-carbon service offers?",
        "label::中文 (zh)": "是否同意我们就低碳服务与贵单位进一步联系？",
        "required": "yes",
    },
    {
        "type": "text",
        "name": "comments",
        "label::English (en)": "Other comments (optional)",
        "label::中文 (zh)": "其他意见（选填）",
    },
]

ENTERPRISE_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::中文 (zh)"],
    ["respondent_role", "manager", "Owner or general manager", "企业负责人或总经理"],
    ["respondent_role", "energy_manager", "Energy manager", "能源管理人员"],
    ["respondent_role", "facilities", "Facilities or equipment manager", "设备或后勤负责人"],
    ["respondent_role", "finance", "Finance staff", "财务人员"],
    ["respondent_role", "other", "Other", "其他"],

    ["sector", "manufacturing", "General manufacturing", "一般制造业"],
    ["sector", "heavy_industry", "Energy-intensive industry (steel, building materials, chemicals)", "高耗能工业（钢铁、建材、化工等）"],
    ["sector", "construction", "Construction", "建筑业"],
    ["sector", "logistics", "Transport and logistics", "交通运输与物流"],
    ["sector", "retail", "Wholesale and retail", "批发零售"],
    ["sector", "hospitality", "Hotels and catering", "住宿餐饮"],
    ["sector", "it_datacenter", "IT services and data centres", "信息技术服务与数据中心"],
    ["sector", "public_services", "Health, education and other public services", "医疗、教育等公共服务"],
    ["sector", "real_estate", "Real estate and property management", "房地产与物业管理"],
    ["sector", "other", "Other", "其他"],

    ["size_class", "micro", "Micro", "微型"],
    ["size_class", "small", "Small", "小型"],
    ["size_class", "medium", "Medium", "中型"],
    ["size_class", "large", "Large", "大型"],

    ["energy_types", "electricity", "Grid electricity", "电网电力"],
    ["energy_types", "natural_gas", "Natural gas", "天然气"],
    ["energy_types", "coal", "Coal", "煤炭"],
    ["energy_types", "diesel", "Diesel", "柴油"],
    ["energy_types", "petrol", "Petrol", "汽油"],
    ["energy_types", "lpg", "LPG", "液化石油气"],
    ["energy_types", "steam_heat", "Purchased steam or heat", "外购蒸汽或热力"],
    ["energy_types", "solar_pv", "On-site solar PV", "自建光伏发电"],

    ["ghg_accounting", "yes_verified", "Yes, verified by a third party", "是，并经第三方核查"],
    ["ghg_accounting", "yes_internal", "Yes, internal accounting only", "是，仅内部核算"],
    ["ghg_accounting", "no", "No", "否"],
    ["ghg_accounting", "dont_know", "Don't know", "不清楚"],

    ["carbon_target", "yes", "Yes", "已设定"],
    ["carbon_target", "planning", "Being drafted", "正在制定"],
    ["carbon_target", "no", "No", "没有"],

    ["yes_no", "yes", "Yes", "是"],
    ["yes_no", "no", "No", "否"],

    ["audit_interest", "yes", "Yes", "有意向"],
    ["audit_interest", "maybe", "Maybe", "视情况而定"],
    ["audit_interest", "no", "No", "无意向"],

    ["emc_interest", "yes", "Yes", "考虑"],
    ["emc_interest", "maybe", "Maybe", "视情况而定"],
    ["emc_interest", "no", "No", "不考虑"],

    ["emc_model", "shared_savings", "Shared savings", "节能效益分享型"],
    ["emc_model", "guaranteed_savings", "Guaranteed savings", "节能量保证型"],
    ["emc_model", "energy_outsourcing", "Energy cost outsourcing", "能源费用托管型"],
    ["emc_model", "unsure", "Not sure yet", "尚不确定"],

    ["services", "carbon_accounting", "Carbon accounting and inventory", "碳排放核算与碳盘查"],
    ["services", "rooftop_pv", "Rooftop solar PV", "屋顶分布式光伏"],
    ["services", "energy_storage", "Battery energy storage", "储能系统"],
    ["services", "hvac_retrofit", "HVAC efficiency retrofit", "暖通空调节能改造"],
    ["services", "lighting_retrofit", "LED lighting retrofit", "LED照明改造"],
    ["services", "ems_platform", "Energy monitoring and management platform", "能耗监测与能源管理平台"],
    ["services", "waste_heat", "Waste heat recovery", "余热余压回收利用"],
    ["services", "green_power", "Green electricity or green certificate purchase", "绿电或绿证采购"],
    ["services", "ev_charging", "EV charging facilities", "电动汽车充电设施"],
    ["services", "none", "No need at present", "暂无需求"],

    ["payback", "le2", "2 years or less", "2年及以内"],
    ["payback", "y3_5", "3 to 5 years", "3至5年"],
    ["payback", "y6_8", "6 to 8 years", "6至8年"],
    ["payback", "gt8", "More than 8 years", "8年以上"],

    ["barriers", "lack_funds", "Not enough funds", "资金不足"],
    ["barriers", "long_payback", "Payback period too long", "投资回收期过长"],
    ["barriers", "lack_info", "Lack of technical information", "缺乏技术信息"],
    ["barriers", "lack_staff", "No qualified staff", "缺乏专业人员"],
    ["barriers", "disruption", "Worry about disrupting operations", "担心影响正常生产经营"],
    ["barriers", "not_priority", "Not a current priority", "不是当前优先事项"],
    ["barriers", "other", "Other", "其他"],

    ["site_type", "office", "Office", "办公楼"],
    ["site_type", "factory", "Production plant", "生产厂房"],
    ["site_type", "warehouse", "Warehouse or logistics centre", "仓库或物流中心"],
    ["site_type", "store", "Shop or commercial space", "门店或商业用房"],
    ["site_type", "data_center", "Data centre or server room", "数据中心或机房"],
    ["site_type", "other", "Other", "其他"],
]

ENTERPRISE_SETTINGS = [
    ["form_title", "form_id", "version", "name", "default_language", "instance_name"],
    {
        "form_title": "Enterprise Low-Carbon Services Demand Survey / 企业低碳服务需求调查",
        "form_id": "enterprise_lowcarbon",
        "version": "2026112801",
        "name": "data",  # the instance root element, as in the XForms
        "default_language": "English (en)",
        "instance_name": "concat('ENT-', ${company_name}, '-', ${today})",
    },
]

FORMS_TO_WRITE = [
    ("household_energy.xlsx", HOUSEHOLD_SURVEY, HOUSEHOLD_CHOICES, HOUSEHOLD_SETTINGS),
    ("enterprise_lowcarbon.xlsx", ENTERPRISE_SURVEY, ENTERPRISE_CHOICES, ENTERPRISE_SETTINGS),
]

# ============================================================================ .xlsx writer

ZIP_DATE = (2026, 12, 5, 0, 0, 0)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def sheet_table(sheet):
    """The header and the rows of a sheet as lists of strings, checked."""
    header = list(sheet[0])
    if len(set(header)) != len(header):
        raise ValueError(f"duplicate column in {header}")
    table = [header]
    for row in sheet[1:]:
        if isinstance(row, dict):
            unknown = set(row) - set(header)
            if unknown:
                raise ValueError(f"columns {sorted(unknown)} not in the header, row {row}")
            cells = [row.get(column, "") for column in header]
        else:
            if len(row) > len(header):
                raise ValueError(f"row longer than the header: {row}")
            cells = list(row) + [""] * (len(header) - len(row))
        for cell in cells:
            if not isinstance(cell, str):
                raise TypeError(f"cell {cell!r} is not a string, row {row}")
        table.append(cells)
    return table


def column_letters(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class SharedStrings:
    def __init__(self):
        self.index = {}
        self.strings = []
        self.count = 0

    def add(self, text):
        self.count += 1
        if text not in self.index:
            self.index[text] = len(self.strings)
            self.strings.append(text)
        return self.index[text]

    def xml(self):
        items = []
        for text in self.strings:
            space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
            items.append(f"<si><t{space}>{escape(text)}</t></si>")
        return (
            XML_DECL
            + f'<sst xmlns="{MAIN_NS}" count="{self.count}" uniqueCount="{len(self.strings)}">'
            + "".join(items)
            + "</sst>"
        )


def worksheet_xml(table, shared):
    rows = []
    for r, cells in enumerate(table, start=1):
        out = []
        for c, text in enumerate(cells):
            if text == "":
                continue
            out.append(f'<c r="{column_letters(c)}{r}" t="s"><v>{shared.add(text)}</v></c>')
        if out:
            rows.append(f'<row r="{r}">' + "".join(out) + "</row>")
    last = f"{column_letters(len(table[0]) - 1)}{len(table)}"
    return (
        XML_DECL
        + f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        + f'<dimension ref="A1:{last}"/>'
        # keep the header row in view
        + '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2"'
        + ' activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        + "<sheetData>"
        + "".join(rows)
        + "</sheetData></worksheet>"
    )


def xlsx_parts(sheets):
    """The parts of a workbook with the named sheets, in zip order."""
    shared = SharedStrings()
    worksheets = [worksheet_xml(sheet_table(rows), shared) for _, rows in sheets]
    n = len(sheets)
    content_types = (
        XML_DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        + '<Default Extension="xml" ContentType="application/xml"/>'
        + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        + "</Types>"
    )
    root_rels = (
        XML_DECL
        + f'<Relationships xmlns="{PKG_REL_NS}">'
        + f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        + "</Relationships>"
    )
    workbook = (
        XML_DECL
        + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        + "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        XML_DECL
        + f'<Relationships xmlns="{PKG_REL_NS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
        + f'<Relationship Id="rId{n + 2}" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        + "</Relationships>"
    )
    styles = (
        XML_DECL
        + f'<styleSheet xmlns="{MAIN_NS}">'
        + '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        + '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        + '<fill><patternFill patternType="gray125"/></fill></fills>'
        + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        + '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        + "</styleSheet>"
    )
    parts = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", ws) for i, ws in enumerate(worksheets, start=1)]
    parts += [("xl/styles.xml", styles), ("xl/sharedStrings.xml", shared.xml())]
    return parts


def write_xlsx(path, sheets):
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for name, text in xlsx_parts(sheets):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            z.writestr(info, text.encode("utf-8"), compresslevel=9)
    os.replace(tmp, path)


def main():
    for filename, survey, choices, settings in FORMS_TO_WRITE:
        path = os.path.join(FORMS, filename)
        write_xlsx(path, [("survey", survey), ("choices", choices), ("settings", settings)])
        print(os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
