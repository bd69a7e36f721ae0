<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AcknowledgeAnswer</name>
    <message>
        <source>OK</source>
        <translation>确认</translation>
    </message>
</context>
<context>
    <name>Admin</name>
    <message>
        <source>the password must have at least 10 characters</source>
        <translation>密码至少需要 10 个字符</translation>
    </message>
    <message>
        <source>writing the audit log</source>
        <translation>写入审计日志</translation>
    </message>
    <message>
        <source>give the first admin&apos;s name with --admin NAME</source>
        <translation>请用 --admin NAME 指定第一个管理员的名字</translation>
    </message>
    <message>
        <source>the database is already set up (schema version %1)</source>
        <translation>数据库已经初始化（结构版本 %1）</translation>
    </message>
    <message>
        <source>Default project</source>
        <translation>默认项目</translation>
    </message>
    <message>
        <source>creating project 1</source>
        <translation>创建项目 1</translation>
    </message>
    <message>
        <source>creating the admin</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <source>a user needs a name</source>
        <translation>用户必须有名字</translation>
    </message>
    <message>
        <source>unknown role &apos;%1&apos; (use admin, supervisor or enumerator)</source>
        <translation>未知角色 &apos;%1&apos;（请使用 admin、supervisor 或 enumerator）</translation>
    </message>
    <message>
        <source>only an enumerator has a supervisor</source>
        <translation>只有调查员才有督导</translation>
    </message>
    <message>
        <source>looking up the project</source>
        <translation>查找项目</translation>
    </message>
    <message>
        <source>there is no project %1</source>
        <translation>不存在项目 %1</translation>
    </message>
    <message>
        <source>looking up the supervisor</source>
        <translation>查找督导</translation>
    </message>
    <message>
        <source>there is no supervisor named &apos;%1&apos;</source>
        <translation>不存在名为 &apos;%1&apos; 的督导</translation>
    </message>
    <message>
        <source>looking up the user</source>
        <translation>查找用户</translation>
    </message>
    <message>
        <source>a user named &apos;%1&apos; already exists</source>
        <translation>名为 &apos;%1&apos; 的用户已存在</translation>
    </message>
    <message>
        <source>adding the user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>disabling the user</source>
        <translation>停用用户</translation>
    </message>
    <message>
        <source>there is no user named &apos;%1&apos;</source>
        <translation>不存在名为 &apos;%1&apos; 的用户</translation>
    </message>
    <message>
        <source>listing users</source>
        <translation>列出用户</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>cannot read media file %1: %2</source>
        <translation>无法读取媒体文件 %1：%2</translation>
    </message>
    <message>
        <source>looking up the form</source>
        <translation>查找表单</translation>
    </message>
    <message>
        <source>adding the form</source>
        <translation>添加表单</translation>
    </message>
    <message>
        <source>looking up the version</source>
        <translation>查找版本</translation>
    </message>
    <message>
        <source>form %1 version &apos;%2&apos; is already published with different content: give the changed form a new version</source>
        <translation>表单 %1 的版本 &apos;%2&apos; 已以不同的内容发布：请为修改后的表单设置新的版本号</translation>
    </message>
    <message>
        <source>storing the form version</source>
        <translation>保存表单版本</translation>
    </message>
    <message>
        <source>storing media file %1</source>
        <translation>保存媒体文件 %1</translation>
    </message>
    <message>
        <source>making the version current</source>
        <translation>将该版本设为当前版本</translation>
    </message>
    <message>
        <source>media file name &apos;%1&apos; must be a plain file name</source>
        <translation>媒体文件名“%1”必须是单纯的文件名（不含文件夹，不以点开头）</translation>
    </message>
    <message>
        <source>form %1 version &apos;%2&apos; is already published: give the draft a new version (publish with ?version=…)</source>
        <translation>表单 %1 的版本“%2”已经发布：请为草稿设置新的版本号（发布时使用 ?version=…）</translation>
    </message>
    <message>
        <source>reading the form&apos;s media files</source>
        <translation>读取表单的媒体文件</translation>
    </message>
    <message>
        <source>form %1 has no published version in project %2 to copy: send the XForm as the draft</source>
        <translation>项目 %2 中的表单 %1 没有可复制的已发布版本：请将 XForm 作为草稿发送</translation>
    </message>
    <message>
        <source>the XForm&apos;s id is &apos;%1&apos;, not &apos;%2&apos;: a draft must keep its form&apos;s id</source>
        <translation>该 XForm 的 id 是“%1”而不是“%2”：草稿必须保留其表单的 id</translation>
    </message>
    <message>
        <source>the form does not refer to a media file named &apos;%1&apos;</source>
        <translation>该表单没有引用名为“%1”的媒体文件</translation>
    </message>
    <message>
        <source>form %1 already exists in project %2: send its new version to /v1/projects/%2/forms/%1/draft</source>
        <translation>项目 %2 中已存在表单 %1：请将其新版本发送到 /v1/projects/%2/forms/%1/draft</translation>
    </message>
    <message>
        <source>there is no form %1 in project %2</source>
        <translation>项目 %2 中没有表单 %1</translation>
    </message>
    <message>
        <source>replacing the draft</source>
        <translation>替换草稿</translation>
    </message>
    <message>
        <source>storing the draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <source>looking up the draft</source>
        <translation>查找草稿</translation>
    </message>
    <message>
        <source>form %1 has no draft in project %2</source>
        <translation>项目 %2 中的表单 %1 没有草稿</translation>
    </message>
    <message>
        <source>the draft of form %1 refers to no media files</source>
        <translation>表单 %1 的草稿没有引用任何媒体文件</translation>
    </message>
    <message>
        <source>the draft of form %1 does not refer to &apos;%2&apos;; it refers to: %3</source>
        <translation>表单 %1 的草稿没有引用“%2”；它引用的是：%3</translation>
    </message>
    <message>
        <source>replacing media file %1</source>
        <translation>替换媒体文件 %1</translation>
    </message>
    <message>
        <source>removing media file %1</source>
        <translation>删除媒体文件 %1</translation>
    </message>
    <message>
        <source>the draft of form %1 has no media file &apos;%2&apos;</source>
        <translation>表单 %1 的草稿中没有媒体文件“%2”</translation>
    </message>
    <message>
        <source>removing the draft</source>
        <translation>删除草稿</translation>
    </message>
    <message>
        <source>removing the unpublished form</source>
        <translation>删除未发布的表单</translation>
    </message>
    <message>
        <source>the form reads the data file &apos;%1&apos;, which is not uploaded yet: send it to /v1/projects/%2/forms/%3/draft/attachments/%1 first</source>
        <translation>该表单需要读取数据文件“%1”，但它尚未上传：请先将其发送到 /v1/projects/%2/forms/%3/draft/attachments/%1</translation>
    </message>
    <message>
        <source>unknown form state &apos;%1&apos; (use open, closing or closed)</source>
        <translation>未知的表单状态“%1”（请使用 open、closing 或 closed）</translation>
    </message>
    <message>
        <source>changing the form&apos;s state</source>
        <translation>更改表单状态</translation>
    </message>
    <message>
        <source>cannot set the version: the form has no primary instance</source>
        <translation>无法设置版本：该表单没有主实例</translation>
    </message>
    <message>
        <source>cannot set the version: the instance&apos;s start tag was not found</source>
        <translation>无法设置版本：找不到实例的起始标签</translation>
    </message>
    <message>
        <source>a user name has 1 to 64 characters</source>
        <translation>用户名须为 1 到 64 个字符</translation>
    </message>
    <message>
        <source>a user name may not begin or end with a space</source>
        <translation>用户名的开头和结尾不能是空格</translation>
    </message>
    <message>
        <source>a user name may not hold &apos;:&apos;, &apos;/&apos;, &apos;\&apos;, line breaks or other control characters</source>
        <translation>用户名不能包含“:”、“/”、“\”、换行或其他控制字符</translation>
    </message>
    <message>
        <source>supervisor &apos;%1&apos; belongs to project %2, not project %3</source>
        <translation>督导“%1”属于项目 %2，不属于项目 %3</translation>
    </message>
    <message>
        <source>counting the admins</source>
        <translation>统计管理员</translation>
    </message>
    <message>
        <source>%1 is the last active admin: add or enable another admin first</source>
        <translation>%1 是最后一个在用的管理员：请先添加或启用另一个管理员</translation>
    </message>
    <message>
        <source>ending the user&apos;s sessions</source>
        <translation>结束该用户的会话</translation>
    </message>
    <message>
        <source>enabling the user</source>
        <translation>启用用户</translation>
    </message>
    <message>
        <source>a project needs a name of 1 to 200 characters</source>
        <translation>项目名称须为 1 到 200 个字符</translation>
    </message>
    <message>
        <source>adding the project</source>
        <translation>添加项目</translation>
    </message>
    <message>
        <source>listing projects</source>
        <translation>列出项目</translation>
    </message>
    <message>
        <source>%1 is in the old Excel format (.xls): save it as an Excel Workbook (.xlsx) and publish that</source>
        <translation>%1 是旧的 Excel 格式（.xls）：请另存为 Excel 工作簿（.xlsx）后再发布</translation>
    </message>
    <message>
        <source>%1 is larger than a form can be</source>
        <translation>%1 太大，不可能是表单</translation>
    </message>
</context>
<context>
    <name>AnalysisPage</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Save as CSV</source>
        <translation>另存为 CSV</translation>
    </message>
    <message>
        <source>Folder for the CSV files</source>
        <translation>CSV 文件的保存文件夹</translation>
    </message>
    <message>
        <source>No finalized or pulled submissions of this form on this device yet.</source>
        <translation>本设备上还没有此问卷已完成或已下载的提交。</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n submissions</source>
        <translation>
            <numerusform>共 %n 份提交中的 %1 份</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n could not be read)</source>
        <translation>
            <numerusform>（%n 份无法读取）</numerusform>
        </translation>
    </message>
    <message>
        <source>Approved only</source>
        <translation>仅已通过</translation>
    </message>
    <message>
        <source>All enumerators</source>
        <translation>全部调查员</translation>
    </message>
    <message>
        <source>From (YYYY-MM-DD)</source>
        <translation>起始日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>To (YYYY-MM-DD)</source>
        <translation>截止日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>No answer filter</source>
        <translation>不按答案筛选</translation>
    </message>
    <message>
        <source>No grouping</source>
        <translation>不分组</translation>
    </message>
    <message>
        <source>By %1</source>
        <translation>按%1</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Demand</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>另存为 PDF</translation>
    </message>
    <message>
        <source>Folder for the report</source>
        <translation>报告的保存文件夹</translation>
    </message>
</context>
<context>
    <name>BarcodeAnswer</name>
    <message>
        <source>Scan</source>
        <translation>扫码</translation>
    </message>
    <message>
        <source>Read from a picture…</source>
        <translation>从图片识别…</translation>
    </message>
</context>
<context>
    <name>BaselineView</name>
    <message>
        <source>95% interval %1–%2</source>
        <translation>95% 区间 %1–%2</translation>
    </message>
    <message>
        <source>Per household, kgCO2 a year</source>
        <translation>每户，千克二氧化碳/年</translation>
    </message>
    <message>
        <source>Per person, kgCO2 a year</source>
        <translation>每人，千克二氧化碳/年</translation>
    </message>
    <message>
        <source>mean %1</source>
        <translation>均值 %1</translation>
    </message>
    <message numerus="yes">
        <source>median %1 · %2 · %n households</source>
        <translation>
            <numerusform>中位数 %1 · %2 · %n 户</numerusform>
        </translation>
    </message>
    <message>
        <source>The city&apos;s households, tCO2 a year</source>
        <translation>全市家庭，吨二氧化碳/年</translation>
    </message>
    <message>
        <source>Not known</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Give the number of households of every surveyed group below.</source>
        <translation>请在下方填写每个已调查分组的户数。</translation>
    </message>
    <message>
        <source>Mean per household by source, kgCO2 a year</source>
        <translation>各排放源的户均排放，千克二氧化碳/年</translation>
    </message>
    <message>
        <source>kgCO2</source>
        <translation>千克二氧化碳</translation>
    </message>
    <message>
        <source>Mean per household by group, kgCO2 a year</source>
        <translation>各分组的户均排放，千克二氧化碳/年</translation>
    </message>
    <message numerus="yes">
        <source>%1: mean %2, %3, %n households</source>
        <translation>
            <numerusform>%1：均值 %2，%3，%n 户</numerusform>
        </translation>
    </message>
    <message>
        <source>Households in the city</source>
        <translation>全市户数</translation>
    </message>
    <message>
        <source>Read households from a CSV file</source>
        <translation>从 CSV 文件读取户数</translation>
    </message>
    <message>
        <source>Households per group (CSV: group,households)</source>
        <translation>各分组户数（CSV：分组,户数）</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>CameraPage</name>
    <message>
        <source>Take a photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The camera failed: %1</source>
        <translation>相机出错：%1</translation>
    </message>
    <message>
        <source>The photo was not taken: %1</source>
        <translation>照片未拍成：%1</translation>
    </message>
    <message>
        <source>Take</source>
        <translation>拍摄</translation>
    </message>
</context>
<context>
    <name>ChoiceFilter</name>
    <message>
        <source>Type to narrow the list</source>
        <translation>输入文字以缩小列表</translation>
    </message>
</context>
<context>
    <name>CsvReport</name>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>The folder %1 cannot be made.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1失败：%2</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>the Qt SQL driver for this database is not installed</source>
        <translation>未安装此数据库的 Qt SQL 驱动</translation>
    </message>
    <message>
        <source>cannot open the database: %1</source>
        <translation>无法打开数据库：%1</translation>
    </message>
    <message>
        <source>reading the schema version</source>
        <translation>读取数据库结构版本</translation>
    </message>
    <message>
        <source>the database has schema version %1, newer than this server (%2): use a newer survey-sync</source>
        <translation>数据库结构版本为 %1，比本服务器支持的版本（%2）更新：请使用更新版本的 survey-sync</translation>
    </message>
    <message>
        <source>%1 failed: the server cannot write to its disk (%2). Nothing was half-stored; free space on the server, then try again</source>
        <translation>%1失败：服务器无法写入其磁盘（%2）。没有任何数据只保存了一半；请释放服务器上的磁盘空间后重试</translation>
    </message>
    <message>
        <source>starting a change</source>
        <translation>开始修改</translation>
    </message>
    <message>
        <source>saving the change</source>
        <translation>保存修改</translation>
    </message>
    <message>
        <source>undoing a refused change</source>
        <translation>撤销被拒绝的更改</translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>the database URL &apos;%1&apos; names no file (write sqlite:PATH)</source>
        <translation>数据库地址 &apos;%1&apos; 没有指定文件（请写作 sqlite:PATH）</translation>
    </message>
    <message>
        <source>the database URL &apos;%1&apos; is not postgresql://USER:PASS@HOST:PORT/DB</source>
        <translation>数据库地址 &apos;%1&apos; 不是 postgresql://USER:PASS@HOST:PORT/DB 格式</translation>
    </message>
    <message>
        <source>unknown database URL &apos;%1&apos; (use sqlite:PATH or postgresql://USER:PASS@HOST:PORT/DB)</source>
        <translation>未知的数据库地址 &apos;%1&apos;（请使用 sqlite:PATH 或 postgresql://USER:PASS@HOST:PORT/DB）</translation>
    </message>
</context>
<context>
    <name>Dataset</name>
    <message>
        <source>its root element is &lt;%1&gt;, not the form&apos;s &lt;%2&gt;</source>
        <translation>其根元素是 &lt;%1&gt;，而不是问卷的 &lt;%2&gt;</translation>
    </message>
    <message>
        <source>%1: the submission cannot be read (%2); it is left out.</source>
        <translation>%1：无法读取这份提交（%2），已略去。</translation>
    </message>
</context>
<context>
    <name>DateChart</name>
    <message>
        <source>Submissions</source>
        <translation>提交</translation>
    </message>
</context>
<context>
    <name>DateTimeAnswer</name>
    <message>
        <source>Choose a date…</source>
        <translation>选择日期…</translation>
    </message>
    <message>
        <source>Choose a time…</source>
        <translation>选择时间…</translation>
    </message>
</context>
<context>
    <name>DateTimeDialog</name>
    <message>
        <source>Choose a date</source>
        <translation>选择日期</translation>
    </message>
    <message>
        <source>Choose a time</source>
        <translation>选择时间</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Approve this submission</source>
        <translation>通过这份提交</translation>
    </message>
    <message>
        <source>Send back to the enumerator</source>
        <translation>退回给调查员</translation>
    </message>
    <message>
        <source>Reject this submission</source>
        <translation>拒绝这份提交</translation>
    </message>
    <message>
        <source>The enumerator gets it back on their device with your comment, and corrects it.</source>
        <translation>调查员会在设备上收到退回的提交和您的意见，并进行更正。</translation>
    </message>
    <message>
        <source>The enumerator is told it was rejected, with your comment.</source>
        <translation>调查员会收到拒绝通知和您的意见。</translation>
    </message>
    <message>
        <source>A comment is optional.</source>
        <translation>意见可以不填。</translation>
    </message>
    <message>
        <source>Comment for the enumerator (required)</source>
        <translation>给调查员的意见（必填）</translation>
    </message>
    <message>
        <source>Comment (optional)</source>
        <translation>意见（选填）</translation>
    </message>
    <message>
        <source>No question is flagged: flag answers on the page to point the enumerator to them.</source>
        <translation>未标记任何问题：可在页面上标记答案，提示调查员需要核实的地方。</translation>
    </message>
    <message numerus="yes">
        <source>%n flagged question(s):</source>
        <translation>
            <numerusform>已标记 %n 个问题：</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
</context>
<context>
    <name>DemandView</name>
    <message numerus="yes">
        <source>%1 of %n enterprises are interested in at least one service.</source>
        <translation>
            <numerusform>%n 家企业中有 %1 家对至少一项服务有意向。</numerusform>
        </translation>
    </message>
    <message>
        <source>Interested, % of enterprises</source>
        <translation>有意向的企业占比（%）</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>By %1</source>
        <translation>按%1</translation>
    </message>
    <message>
        <source>Willingness to pay a year (%1)</source>
        <translation>每年支付意愿（%1）</translation>
    </message>
    <message>
        <source>Energy spend of the enterprises counted: %1 %2 a year. At %3 of the spend of those interested in a service, the savings would be %4 %2 a year.</source>
        <translation>所统计企业的能源支出：每年 %1 %2。按有服务意向企业支出的 %3 计，每年可节约 %4 %2。</translation>
    </message>
</context>
<context>
    <name>Expression</name>
    <message>
        <source>&apos;/&apos; can only follow a node-set, not a %1</source>
        <translation>&apos;/&apos; 只能跟在节点集之后，不能跟在 %1 类型的值之后</translation>
    </message>
    <message>
        <source>&apos;|&apos; joins node-sets only, not a %1</source>
        <translation>&apos;|&apos; 只能合并节点集，不能合并 %1 类型的值</translation>
    </message>
    <message>
        <source>a predicate can only filter a node-set, not a %1</source>
        <translation>谓词只能筛选节点集，不能筛选 %1 类型的值</translation>
    </message>
    <message>
        <source>argument %1 of %2() must be a node-set, not a %3</source>
        <translation>%2() 的第 %1 个参数必须是节点集，而不是 %3 类型的值</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a list of geopoints (&quot;lat lon [alt acc]&quot; separated by &apos;;&apos;)</source>
        <translation>&apos;%1&apos; 不是有效的地理坐标点列表（应为以 &apos;;&apos; 分隔的 &quot;lat lon [alt acc]&quot;）</translation>
    </message>
    <message>
        <source>there is no instance with id &apos;%1&apos;</source>
        <translation>不存在 id 为 &apos;%1&apos; 的实例</translation>
    </message>
    <message>
        <source>invalid regular expression &apos;%1&apos;: %2</source>
        <translation>无效的正则表达式 &apos;%1&apos;：%2</translation>
    </message>
    <message>
        <source>weighted-checklist() needs its values and weights in pairs</source>
        <translation>weighted-checklist() 的值和权重必须成对提供</translation>
    </message>
    <message>
        <source>uuid() length must be between 0 and 100000</source>
        <translation>uuid() 的长度必须介于 0 到 100000 之间</translation>
    </message>
    <message>
        <source>digest(): unknown algorithm &apos;%1&apos; (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)</source>
        <translation>digest(): 未知的算法 &apos;%1&apos;（请使用 MD5、SHA-1、SHA-256、SHA-384 或 SHA-512）</translation>
    </message>
    <message>
        <source>digest(): unknown encoding &apos;%1&apos; (use base64 or hex)</source>
        <translation>digest(): 未知的编码 &apos;%1&apos;（请使用 base64 或 hex）</translation>
    </message>
    <message>
        <source>randomize(): the seed must be a number</source>
        <translation>randomize(): 种子必须是数字</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid date</source>
        <translation>&apos;%1&apos; 不是有效的日期</translation>
    </message>
    <message>
        <source>%1 is not a valid date</source>
        <translation>%1 不是有效的日期</translation>
    </message>
    <message>
        <source>indexed-repeat() takes a node and then pairs of repeat and index</source>
        <translation>indexed-repeat() 的参数应为一个节点，后跟成对的重复组和索引</translation>
    </message>
    <message>
        <source>pulldata(): there is no data file &apos;%1&apos;</source>
        <translation>pulldata(): 不存在数据文件 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>&apos;!&apos; must be followed by &apos;=&apos;</source>
        <translation>&apos;!&apos; 后面必须跟 &apos;=&apos;</translation>
    </message>
    <message>
        <source>unexpected &apos;:&apos;</source>
        <translation>意外的 &apos;:&apos;</translation>
    </message>
    <message>
        <source>unterminated string literal</source>
        <translation>字符串字面量未闭合</translation>
    </message>
    <message>
        <source>&apos;$&apos; must be followed by a variable name</source>
        <translation>&apos;$&apos; 后面必须跟变量名</translation>
    </message>
    <message>
        <source>malformed number</source>
        <translation>数字格式错误</translation>
    </message>
    <message>
        <source>unexpected character &apos;%1&apos;</source>
        <translation>意外的字符 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected an operator but found &apos;%1&apos;</source>
        <translation>此处应为运算符，但遇到了 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>a name must follow the prefix &apos;%1:&apos;</source>
        <translation>前缀 &apos;%1:&apos; 后面必须跟名称</translation>
    </message>
    <message>
        <source>unexpected %1 after the end of the expression</source>
        <translation>表达式结束后出现了意外的 %1</translation>
    </message>
    <message>
        <source>end of expression</source>
        <translation>表达式结尾</translation>
    </message>
    <message>
        <source>string &apos;%1&apos;</source>
        <translation>字符串 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>number %1</source>
        <translation>数字 %1</translation>
    </message>
    <message>
        <source>the expression is nested too deeply</source>
        <translation>表达式嵌套层数过深</translation>
    </message>
    <message>
        <source>the expression ends where a value was expected</source>
        <translation>表达式意外结束：此处应为一个值</translation>
    </message>
    <message>
        <source>expected a value but found %1</source>
        <translation>此处应为一个值，但遇到了 %1</translation>
    </message>
    <message>
        <source>a location step must follow &apos;/&apos;, found %1</source>
        <translation>&apos;/&apos; 后面必须跟定位步，但遇到了 %1</translation>
    </message>
    <message>
        <source>unknown axis &apos;%1&apos;</source>
        <translation>未知的轴 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected &apos;(&apos;</source>
        <translation>此处应为 &apos;(&apos;</translation>
    </message>
    <message>
        <source>expected &apos;)&apos; to close %1()</source>
        <translation>缺少闭合 %1() 的 &apos;)&apos;</translation>
    </message>
    <message>
        <source>expected a node test but found %1</source>
        <translation>此处应为节点测试，但遇到了 %1</translation>
    </message>
    <message>
        <source>namespace prefix &apos;%1&apos; is not declared</source>
        <translation>命名空间前缀 &apos;%1&apos; 未声明</translation>
    </message>
    <message>
        <source>expected &apos;]&apos; to close the predicate, found %1</source>
        <translation>此处应为闭合谓词的 &apos;]&apos;，但遇到了 %1</translation>
    </message>
    <message>
        <source>variable references ($%1) are not supported in forms</source>
        <translation>表单中不支持变量引用（$%1）</translation>
    </message>
    <message>
        <source>expected &apos;)&apos; but found %1</source>
        <translation>此处应为 &apos;)&apos;，但遇到了 %1</translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;)&apos; in the arguments of %1(), found %2</source>
        <translation>%1() 的参数中此处应为 &apos;,&apos; 或 &apos;)&apos;，但遇到了 %2</translation>
    </message>
    <message>
        <source>unknown function: %1()</source>
        <translation>未知函数：%1()</translation>
    </message>
    <message numerus="yes">
        <source>%1() takes %n argument(s), not %2</source>
        <translation>
            <numerusform>%1() 需要 %n 个参数，而不是 %2 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1() cannot take %n argument(s)</source>
        <translation>
            <numerusform>%1() 不能接受 %n 个参数</numerusform>
        </translation>
    </message>
    <message>
        <source>the expression needs too much work (more than %1 node visits); simplify it</source>
        <translation>表达式的计算量过大（超过 %1 次节点访问），请简化该表达式</translation>
    </message>
    <message>
        <source>the expression has too many operators in a row (more than %1)</source>
        <translation>表达式中连续的运算符过多（超过 %1 个）</translation>
    </message>
    <message>
        <source>the expression is nested too deeply (more than %1 levels)</source>
        <translation>表达式嵌套层数过深（超过 %1 层）</translation>
    </message>
    <message>
        <source>the text grows beyond %1 characters</source>
        <translation>文本长度超过 %1 个字符</translation>
    </message>
</context>
<context>
    <name>ExternalData</name>
    <message>
        <source>the CSV file has an unterminated quoted field</source>
        <translation>CSV 文件中有未闭合的带引号字段</translation>
    </message>
    <message>
        <source>the CSV file is empty: it needs a header row</source>
        <translation>CSV 文件为空：文件必须包含表头行</translation>
    </message>
    <message>
        <source>CSV column %1 has the name &apos;%2&apos;, which cannot be used as an element name</source>
        <translation>CSV 第 %1 列的名称为 &apos;%2&apos;，不能用作元素名</translation>
    </message>
    <message>
        <source>unsupported: external instance source &apos;%1&apos; (supported: jr://file/NAME.xml, jr://file/NAME.csv, jr://file-csv/NAME.csv)</source>
        <translation>unsupported: 不支持的外部实例来源 &apos;%1&apos;（支持：jr://file/NAME.xml、jr://file/NAME.csv、jr://file-csv/NAME.csv）</translation>
    </message>
    <message>
        <source>external file name &apos;%1&apos; must be a plain file name</source>
        <translation>外部文件名 &apos;%1&apos; 必须是不含路径的纯文件名</translation>
    </message>
    <message>
        <source>the external file &apos;%1&apos; is missing: put it in the form&apos;s media folder (%2)</source>
        <translation>缺少外部文件 &apos;%1&apos;：请将其放入表单的媒体文件夹（%2）</translation>
    </message>
    <message>
        <source>none given</source>
        <translation>未指定</translation>
    </message>
    <message>
        <source>%1:%2:%3: %4</source>
        <translation>%1:%2:%3: %4</translation>
    </message>
    <message>
        <source>the GeoJSON file is not valid JSON: %1</source>
        <translation>GeoJSON 文件不是有效的 JSON：%1</translation>
    </message>
    <message>
        <source>the GeoJSON file must hold a FeatureCollection</source>
        <translation>GeoJSON 文件必须包含一个 FeatureCollection</translation>
    </message>
    <message>
        <source>GeoJSON feature %1 has a malformed position</source>
        <translation>GeoJSON 第 %1 个要素的坐标格式错误</translation>
    </message>
    <message>
        <source>unsupported: GeoJSON feature %1 has geometry &apos;%2&apos; (supported: Point, LineString, Polygon)</source>
        <translation>unsupported: GeoJSON 第 %1 个要素的几何类型 &apos;%2&apos; 不受支持（支持：Point、LineString、Polygon）</translation>
    </message>
    <message>
        <source>GeoJSON property &apos;%1&apos; cannot be used as an element name</source>
        <translation>GeoJSON 属性 &apos;%1&apos; 不能用作元素名</translation>
    </message>
    <message>
        <source>the external file &apos;%1&apos; is missing: add it to the form&apos;s media files</source>
        <translation>缺少外部文件“%1”：请把它加入表单的媒体文件</translation>
    </message>
</context>
<context>
    <name>FinalizePage</name>
    <message>
        <source>Not finished yet</source>
        <translation>尚未完成</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) left</source>
        <translation>
            <numerusform>还剩 %n 个问题</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <source>Survey Collector</source>
        <translation>调查采集</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Use forms on this device only</source>
        <translation>仅使用本设备上的表单</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>https://…/v1/projects/1</source>
        <translation>https://…/v1/projects/1</translation>
    </message>
    <message>
        <source>Show password</source>
        <translation>显示密码</translation>
    </message>
</context>
<context>
    <name>ForecastView</name>
    <message>
        <source>The forecast needs the city&apos;s households: give them on the Baseline tab.</source>
        <translation>预测需要全市户数：请在“基线”页填写。</translation>
    </message>
    <message>
        <source>Baseline %1</source>
        <translation>%1 年基线</translation>
    </message>
    <message>
        <source>tCO2 a year</source>
        <translation>吨二氧化碳/年</translation>
    </message>
    <message>
        <source>%1: %2 tCO2 (95% interval %3–%4), %5 kgCO2 per household</source>
        <translation>%1 年：%2 吨二氧化碳（95% 区间 %3–%4），户均 %5 千克二氧化碳</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>情景</translation>
    </message>
    <message>
        <source>Grid factor falls, % a year</source>
        <translation>电网排放因子每年下降（%）</translation>
    </message>
    <message>
        <source>Cooking and heating moved to electricity by %1, %</source>
        <translation>到 %1 年炊事和取暖改用电的比例（%）</translation>
    </message>
    <message>
        <source>Vehicles made electric by %1, %</source>
        <translation>到 %1 年车辆电动化的比例（%）</translation>
    </message>
    <message>
        <source>Households grow, % a year</source>
        <translation>户数每年增长（%）</translation>
    </message>
</context>
<context>
    <name>FormCommands</name>
    <message>
        <source>usage: %1
</source>
        <translation>用法：%1
</translation>
    </message>
    <message numerus="yes">
        <source>%1: &quot;%2&quot; formID=%3 version=%4: %n question(s), %5 group(s), %6 repeat(s), languages: %7
</source>
        <translation>
            <numerusform>%1: &quot;%2&quot; formID=%3 version=%4: %n 个问题，%5 个分组，%6 个重复组，语言：%7
</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1: error: cannot read the answers: %2
</source>
        <translation>%1: 错误：无法读取答案：%2
</translation>
    </message>
    <message>
        <source>%1: error: the answers must be a JSON object of path: value (%2)
</source>
        <translation>%1: 错误：答案必须是由“路径: 值”组成的 JSON 对象（%2）
</translation>
    </message>
    <message>
        <source>found another JSON value</source>
        <translation>实际为其他类型的 JSON 值</translation>
    </message>
    <message>
        <source>%1 does not exist in this form</source>
        <translation>此表单中不存在 %1</translation>
    </message>
    <message>
        <source>warning: the form has no language &apos;%1&apos; (it has: %2); messages are in %3
</source>
        <translation>警告：表单中没有语言 &apos;%1&apos;（可用语言：%2）；提示信息将使用 %3
</translation>
    </message>
    <message>
        <source>%1: warning: %2
</source>
        <translation>%1: 警告：%2
</translation>
    </message>
</context>
<context>
    <name>FormDefinition</name>
    <message>
        <source>cannot read the form: %1</source>
        <translation>无法读取表单：%1</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <source>Save and exit</source>
        <translation>保存并退出</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>题目</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>督导意见：%1</translation>
    </message>
    <message>
        <source>Add a new &quot;%1&quot;?</source>
        <translation>新增一个“%1”？</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Do not add; go on</source>
        <translation>不新增，继续</translation>
    </message>
    <message>
        <source>You are at the end of the form.</source>
        <translation>已到表单末尾。</translation>
    </message>
    <message>
        <source>Finalize</source>
        <translation>定稿</translation>
    </message>
    <message>
        <source>Save as draft and exit</source>
        <translation>保存为草稿并退出</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Remove this entry…</source>
        <translation>删除此条…</translation>
    </message>
    <message>
        <source>Remove this entry?</source>
        <translation>删除此条？</translation>
    </message>
    <message>
        <source>Its answers are deleted from this record.</source>
        <translation>其中的答案将从本记录中删除。</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message numerus="yes">
        <source>%n entered so far</source>
        <translation>
            <numerusform>已填写 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <source>Your answers are already saved (Ctrl+W)</source>
        <translation>答案已自动保存（Ctrl+W）</translation>
    </message>
    <message>
        <source>Every question, to go to any of them (Ctrl+G)</source>
        <translation>所有题目，可跳转到任意一题（Ctrl+G）</translation>
    </message>
    <message>
        <source>Check every answer and mark the record ready to send (Ctrl+Enter)</source>
        <translation>检查所有答案并将记录标记为待发送（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Previous page (Page Up, Alt+Left)</source>
        <translation>上一页（Page Up、Alt+左方向键）</translation>
    </message>
    <message>
        <source>Next page (Page Down, Alt+Right)</source>
        <translation>下一页（Page Down、Alt+右方向键）</translation>
    </message>
    <message>
        <source>Choose a picture of the code</source>
        <translation>选择条码的图片</translation>
    </message>
    <message>
        <source>Pictures (*.jpg *.jpeg *.png *.bmp *.gif *.webp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp)</translation>
    </message>
    <message>
        <source>Language of this form</source>
        <translation>本表单的语言</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close this record (Ctrl+W)</source>
        <translation>关闭此记录（Ctrl+W）</translation>
    </message>
    <message>
        <source>Sent · read only</source>
        <translation>已发送 · 只读</translation>
    </message>
    <message>
        <source>This record was sent. It can be read here, not changed.</source>
        <translation>此记录已发送，在这里只能查看，不能修改。</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
</context>
<context>
    <name>FormParser</name>
    <message>
        <source>dependency cycle: %1 (each of these computes from the next)</source>
        <translation>循环依赖：%1（其中每一项都由下一项计算得出）</translation>
    </message>
    <message>
        <source>%1: %2 &quot;%3&quot;: %4</source>
        <translation>%1: %2 &quot;%3&quot;: %4</translation>
    </message>
    <message>
        <source>the root element must be &lt;h:html&gt;, not %1</source>
        <translation>根元素必须是 &lt;h:html&gt;，而不是 %1</translation>
    </message>
    <message>
        <source>&lt;h:body&gt; must come after &lt;h:head&gt; and its &lt;model&gt;</source>
        <translation>&lt;h:body&gt; 必须位于 &lt;h:head&gt; 及其 &lt;model&gt; 之后</translation>
    </message>
    <message>
        <source>the form has no &lt;h:head&gt;</source>
        <translation>表单缺少 &lt;h:head&gt;</translation>
    </message>
    <message>
        <source>the form has no &lt;model&gt; in &lt;h:head&gt;</source>
        <translation>表单的 &lt;h:head&gt; 中缺少 &lt;model&gt;</translation>
    </message>
    <message>
        <source>unsupported: entities spec version %1 (supported: 2022.1 to 2025.1)</source>
        <translation>unsupported: 不支持的实体（entities）规范版本 %1（支持的版本：2022.1 至 2025.1）</translation>
    </message>
    <message>
        <source>the &lt;model&gt; has no &lt;instance&gt;</source>
        <translation>&lt;model&gt; 中缺少 &lt;instance&gt;</translation>
    </message>
    <message numerus="yes">
        <source>the primary &lt;instance&gt; must hold exactly one root element, it holds %n</source>
        <translation>
            <numerusform>主 &lt;instance&gt; 必须恰好包含一个根元素，但实际包含 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>unsupported: &lt;send&gt; actions (a CommCare extension)</source>
        <translation>unsupported: 不支持 &lt;send&gt; 动作（CommCare 扩展）</translation>
    </message>
    <message>
        <source>a secondary &lt;instance&gt; needs an id attribute</source>
        <translation>辅助 &lt;instance&gt; 必须有 id 属性</translation>
    </message>
    <message>
        <source>two instances have the id &apos;%1&apos;</source>
        <translation>有两个实例的 id 都是 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>instance &apos;%1&apos;: there is no primary instance to copy</source>
        <translation>实例 &apos;%1&apos;：没有可复制的主实例</translation>
    </message>
    <message>
        <source>instance &apos;%1&apos;: %2</source>
        <translation>实例 &apos;%1&apos;：%2</translation>
    </message>
    <message>
        <source>instance &apos;%1&apos; is empty</source>
        <translation>实例 &apos;%1&apos; 为空</translation>
    </message>
    <message>
        <source>&lt;output&gt; needs a value attribute</source>
        <translation>&lt;output&gt; 必须有 value 属性</translation>
    </message>
    <message>
        <source>&lt;text&gt; needs an id attribute</source>
        <translation>&lt;text&gt; 必须有 id 属性</translation>
    </message>
    <message>
        <source>unsupported: %1 ref=&quot;%2&quot; (only jr:itext(&apos;id&apos;) is supported here)</source>
        <translation>unsupported: 不支持 %1 ref=&quot;%2&quot;（此处仅支持 jr:itext(&apos;id&apos;)）</translation>
    </message>
    <message>
        <source>unsupported: %1 with a computed reference &quot;%2&quot;</source>
        <translation>unsupported: 不支持带有计算引用 &quot;%2&quot; 的 %1</translation>
    </message>
    <message>
        <source>&lt;repeat&gt; needs a nodeset attribute</source>
        <translation>&lt;repeat&gt; 必须有 nodeset 属性</translation>
    </message>
    <message>
        <source>unsupported: %1 %2=&quot;%3&quot; is not a plain path</source>
        <translation>unsupported: 不支持 %1 %2=&quot;%3&quot;，它不是简单路径</translation>
    </message>
    <message>
        <source>the %1 expression for %2</source>
        <translation>%2 的 %1 表达式</translation>
    </message>
    <message>
        <source>unsupported: &lt;action&gt; blocks (use setvalue with an event attribute)</source>
        <translation>unsupported: 不支持 &lt;action&gt; 块（请使用带 event 属性的 setvalue）</translation>
    </message>
    <message>
        <source>%1 must be in the ODK namespace (%2), write it as odk:setgeopoint</source>
        <translation>%1 必须位于 ODK 命名空间（%2）中，请写作 odk:setgeopoint</translation>
    </message>
    <message>
        <source>%1 needs an event attribute</source>
        <translation>%1 必须有 event 属性</translation>
    </message>
    <message>
        <source>the odk-new-repeat event belongs in the body, inside the &lt;repeat&gt; it reacts to, not in the &lt;model&gt;</source>
        <translation>odk-new-repeat 事件应放在 body 中其所响应的 &lt;repeat&gt; 内，而不是放在 &lt;model&gt; 中</translation>
    </message>
    <message>
        <source>the xforms-value-changed event belongs inside the control whose value it watches, not in the &lt;model&gt;</source>
        <translation>xforms-value-changed 事件应放在其所监视的值所属的控件内，而不是放在 &lt;model&gt; 中</translation>
    </message>
    <message>
        <source>unsupported: event &apos;%1&apos; on %2 (supported: odk-instance-first-load, odk-instance-load, odk-new-repeat, xforms-value-changed)</source>
        <translation>unsupported: 不支持 %2 上的事件 &apos;%1&apos;（支持：odk-instance-first-load、odk-instance-load、odk-new-repeat、xforms-value-changed）</translation>
    </message>
    <message>
        <source>%1 needs a ref attribute</source>
        <translation>%1 必须有 ref 属性</translation>
    </message>
    <message>
        <source>%1 directly in the body needs an enclosing control or repeat</source>
        <translation>直接位于 body 中的 %1 必须放在某个控件或 repeat 之内</translation>
    </message>
    <message>
        <source>%1 jr:imageDimensionScaledMax=&quot;%2&quot; is not a size in pixels (e.g. 800px)</source>
        <translation>%1 jr:imageDimensionScaledMax=&quot;%2&quot; 不是以像素为单位的尺寸（例如 800px）</translation>
    </message>
    <message>
        <source>%1 bind=&quot;%2&quot; names no &lt;bind id&gt;</source>
        <translation>%1 bind=&quot;%2&quot; 没有对应的 &lt;bind id&gt;</translation>
    </message>
    <message>
        <source>&lt;item&gt; needs a &lt;value&gt;</source>
        <translation>&lt;item&gt; 必须包含 &lt;value&gt;</translation>
    </message>
    <message>
        <source>%1 for %2 has no choices (no &lt;item&gt; and no &lt;itemset&gt;)</source>
        <translation>%2 的 %1 没有任何选项（既没有 &lt;item&gt; 也没有 &lt;itemset&gt;）</translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs a nodeset attribute</source>
        <translation>&lt;itemset&gt; 必须有 nodeset 属性</translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs &lt;value ref=&quot;…&quot;/&gt;</source>
        <translation>&lt;itemset&gt; 必须包含 &lt;value ref=&quot;…&quot;/&gt;</translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs &lt;label ref=&quot;…&quot;/&gt;</source>
        <translation>&lt;itemset&gt; 必须包含 &lt;label ref=&quot;…&quot;/&gt;</translation>
    </message>
    <message>
        <source>a &lt;repeat&gt; cannot repeat the primary instance&apos;s root element (%1)</source>
        <translation>&lt;repeat&gt; 不能重复主实例的根元素（%1）</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>a &lt;translation&gt; without a lang attribute is taken as the language &apos;default&apos;</source>
        <translation>没有 lang 属性的 &lt;translation&gt; 视为语言“default”</translation>
    </message>
    <message>
        <source>%1 %2=&quot;%3&quot; refers to %4, which is not in the primary instance; it is ignored</source>
        <translation>%1 %2=&quot;%3&quot; 指向 %4，但主实例中没有它；已忽略</translation>
    </message>
    <message>
        <source>a &lt;bind&gt; without a nodeset is ignored</source>
        <translation>没有 nodeset 的 &lt;bind&gt; 已忽略</translation>
    </message>
    <message>
        <source>the data type &apos;%1&apos; on the bind for %2 is not an XForms type; the answer is kept as text</source>
        <translation>%2 的 bind 上的数据类型“%1”不是 XForms 类型；答案按文本保存</translation>
    </message>
    <message>
        <source>the body element %1 is not an XForms control; it is skipped</source>
        <translation>body 元素 %1 不是 XForms 控件；已跳过</translation>
    </message>
    <message>
        <source>choice value &apos;%1&apos; contains a space: as a multiple-choice answer it reads as several values</source>
        <translation>选项值“%1”包含空格：作为多选答案时会被读作多个值</translation>
    </message>
    <message>
        <source>%1 refers to itext id &apos;%2&apos;, which no &lt;translation&gt; defines: it is shown empty</source>
        <translation>%1 引用的 itext 标识“%2”在任何 &lt;translation&gt; 中都没有定义：将显示为空</translation>
    </message>
    <message>
        <source>&lt;range&gt; needs numeric start, end and step, with a positive step not larger than end - start (start=&quot;%1&quot; end=&quot;%2&quot; step=&quot;%3&quot;)</source>
        <translation>&lt;range&gt; 需要数值型的 start、end 和 step，且 step 为正数、不大于 end - start（start=&quot;%1&quot; end=&quot;%2&quot; step=&quot;%3&quot;）</translation>
    </message>
    <message>
        <source>&lt;range&gt; step %1 does not divide %2 to %3: the end cannot be chosen</source>
        <translation>&lt;range&gt; 的步长 %1 不能整除 %2 到 %3 的范围：无法选到终点值</translation>
    </message>
</context>
<context>
    <name>FormSession</name>
    <message>
        <source>the saved instance is not readable XML (%1:%2): %3</source>
        <translation>已保存的实例不是可读取的 XML（%1:%2）：%3</translation>
    </message>
    <message>
        <source>the saved instance has root &lt;%1&gt; but the form expects &lt;%2&gt;</source>
        <translation>已保存实例的根元素是 &lt;%1&gt;，但表单要求的是 &lt;%2&gt;</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an absolute instance path</source>
        <translation>&apos;%1&apos; 不是绝对实例路径</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid step in %2</source>
        <translation>&apos;%1&apos; 不是 %2 中有效的路径步</translation>
    </message>
    <message>
        <source>an attribute can only be the last step of %1</source>
        <translation>属性只能作为 %1 的最后一步</translation>
    </message>
    <message>
        <source>%1 does not exist in this form</source>
        <translation>此表单中不存在 %1</translation>
    </message>
    <message numerus="yes">
        <source>%1: the repeat has %n instance(s) and its count is set by the form</source>
        <translation>
            <numerusform>%1: 该重复组有 %n 个实例，其数量由表单决定</numerusform>
        </translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a whole number</source>
        <translation>&apos;%1&apos; 不是整数</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a number</source>
        <translation>&apos;%1&apos; 不是数字</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date (YYYY-MM-DD)</source>
        <translation>&apos;%1&apos; 不是有效的日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a time (HH:MM:SS)</source>
        <translation>&apos;%1&apos; 不是有效的时间（HH:MM:SS）</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date and time (YYYY-MM-DDTHH:MM:SS)</source>
        <translation>&apos;%1&apos; 不是有效的日期时间（YYYY-MM-DDTHH:MM:SS）</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not true or false</source>
        <translation>&apos;%1&apos; 既不是 true 也不是 false</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a location (&quot;latitude longitude [altitude accuracy]&quot;)</source>
        <translation>&apos;%1&apos; 不是有效的位置（&quot;纬度 经度 [海拔 精度]&quot;）</translation>
    </message>
    <message>
        <source>a shape needs at least 4 points, the last equal to the first</source>
        <translation>区域至少需要 4 个点，且最后一个点必须与第一个点相同</translation>
    </message>
    <message>
        <source>a trace needs at least 2 points</source>
        <translation>轨迹至少需要 2 个点</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not one of the choices</source>
        <translation>&apos;%1&apos; 不是可选的选项</translation>
    </message>
    <message>
        <source>this node is not part of the form</source>
        <translation>此节点不属于该表单</translation>
    </message>
    <message>
        <source>This question requires an answer.</source>
        <translation>此题为必答题。</translation>
    </message>
    <message>
        <source>This answer is not allowed.</source>
        <translation>此答案不符合要求。</translation>
    </message>
    <message>
        <source>This answer has the wrong type.</source>
        <translation>此答案的类型不正确。</translation>
    </message>
    <message>
        <source>This question does not exist in the form.</source>
        <translation>表单中不存在此问题。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a value of this range (%2 to %3 in steps of %4)</source>
        <translation>&apos;%1&apos; 不是此范围内的有效值（%2 至 %3，步长 %4）</translation>
    </message>
    <message>
        <source>positions in %1 start at 1</source>
        <translation>%1 中的位置序号从 1 开始</translation>
    </message>
    <message>
        <source>position %1 in %2 is beyond the %3 repeat instances a form may have</source>
        <translation>%2 中的位置 %1 超出了表单允许的 %3 个重复实例</translation>
    </message>
    <message>
        <source>the form would grow beyond %1 answers; no more repeat instances were added</source>
        <translation>表单将超过 %1 个答案；未再添加重复实例</translation>
    </message>
    <message>
        <source>it needs more memory than the device allows</source>
        <translation>它需要的内存超出了设备允许的范围</translation>
    </message>
    <message>
        <source>it cannot be computed (%1)</source>
        <translation>无法计算（%1）</translation>
    </message>
    <message>
        <source>The calculation of this answer</source>
        <translation>这个答案的计算</translation>
    </message>
    <message>
        <source>The condition for showing this question</source>
        <translation>显示这个问题的条件</translation>
    </message>
    <message>
        <source>The condition that makes this question required</source>
        <translation>使这个问题必答的条件</translation>
    </message>
    <message>
        <source>The condition that makes this question read-only</source>
        <translation>使这个问题只读的条件</translation>
    </message>
    <message>
        <source>The rule that checks this answer</source>
        <translation>检查这个答案的规则</translation>
    </message>
    <message>
        <source>The number of entries of this repeat</source>
        <translation>这个重复组的条目数</translation>
    </message>
    <message>
        <source>The list of choices of this question</source>
        <translation>这个问题的选项列表</translation>
    </message>
    <message>
        <source>A value the form sets here</source>
        <translation>表单在此设置的值</translation>
    </message>
    <message>
        <source>%1 could not be worked out: %2 (expression: %3). The form needs fixing; tell whoever made it.</source>
        <translation>%1无法求出：%2（表达式：%3）。表单需要修正，请告知表单的制作者。</translation>
    </message>
    <message>
        <source>Part of the form could not be worked out.</source>
        <translation>表单的一部分无法求出。</translation>
    </message>
    <message>
        <source>its value &apos;%1&apos; is not a number</source>
        <translation>其值“%1”不是数字</translation>
    </message>
</context>
<context>
    <name>GroupCommit</name>
    <message>
        <source>the server cannot open its database: %1</source>
        <translation>服务器无法打开数据库：%1</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Survey Collector</source>
        <translation>调查采集</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Search records</source>
        <translation>搜索记录</translation>
    </message>
    <message>
        <source>Returned for correction</source>
        <translation>退回待修改</translation>
    </message>
    <message>
        <source>Forms</source>
        <translation>表单</translation>
    </message>
    <message>
        <source>No forms yet. Add a form file, or sign in to a server in Settings.</source>
        <translation>还没有表单。请添加表单文件，或在设置中登录服务器。</translation>
    </message>
    <message>
        <source>No forms yet. Send / receive to download the project&apos;s forms.</source>
        <translation>还没有表单。请点击“发送和接收”下载项目的表单。</translation>
    </message>
    <message>
        <source>version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Send and receive</source>
        <translation>发送和接收</translation>
    </message>
    <message>
        <source>Ready to send</source>
        <translation>待发送</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Send what is ready, get new forms and returned records (F5)</source>
        <translation>发送待发送的记录，获取新表单和退回的记录（F5）</translation>
    </message>
    <message>
        <source>Nothing is waiting to be sent.</source>
        <translation>没有等待发送的记录。</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) waiting to be sent</source>
        <translation>
            <numerusform>%n 条记录等待发送</numerusform>
        </translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message numerus="yes">
        <source>Review: %n waiting</source>
        <translation>
            <numerusform>审核：%n 份待审</numerusform>
        </translation>
    </message>
    <message>
        <source>Add a form</source>
        <translation>添加表单</translation>
    </message>
    <message>
        <source>Forms (*.xml *.xlsx)</source>
        <translation>表单 (*.xml *.xlsx)</translation>
    </message>
    <message>
        <source>XForms (*.xml)</source>
        <translation>XForm 表单 (*.xml)</translation>
    </message>
    <message>
        <source>XLSForm spreadsheets (*.xlsx)</source>
        <translation>XLSForm 电子表格 (*.xlsx)</translation>
    </message>
    <message>
        <source>Add a form from a file</source>
        <translation>从文件添加表单</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
</context>
<context>
    <name>InstanceScan</name>
    <message>
        <source>&lt;%1&gt; is not closed</source>
        <translation>&lt;%1&gt; 没有结束标记</translation>
    </message>
    <message>
        <source>there is no element</source>
        <translation>没有任何元素</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>the document ends inside markup</source>
        <translation>文档在标记内部就结束了</translation>
    </message>
    <message>
        <source>text outside the root element</source>
        <translation>根元素之外有文本</translation>
    </message>
    <message>
        <source>a document type declaration is not allowed</source>
        <translation>不允许文档类型声明</translation>
    </message>
    <message>
        <source>a second root element</source>
        <translation>出现第二个根元素</translation>
    </message>
    <message>
        <source>the document ends inside a tag</source>
        <translation>文档在标签内部就结束了</translation>
    </message>
    <message>
        <source>an attribute without a value</source>
        <translation>属性没有值</translation>
    </message>
    <message>
        <source>an attribute value without quotes</source>
        <translation>属性值没有引号</translation>
    </message>
    <message>
        <source>elements nest more than %1 deep</source>
        <translation>元素嵌套超过 %1 层</translation>
    </message>
    <message>
        <source>an end tag that is not closed</source>
        <translation>结束标签没有闭合</translation>
    </message>
    <message>
        <source>&lt;/%1&gt; does not close the open element</source>
        <translation>&lt;/%1&gt; 与当前打开的元素不匹配</translation>
    </message>
    <message>
        <source>an &amp; that does not start an entity</source>
        <translation>&amp; 后面不是实体引用</translation>
    </message>
    <message>
        <source>&amp;%1; is not a character</source>
        <translation>&amp;%1; 不是有效字符</translation>
    </message>
    <message>
        <source>&amp;%1; is not an entity XML defines</source>
        <translation>&amp;%1; 不是 XML 定义的实体</translation>
    </message>
</context>
<context>
    <name>LocationAnswer</name>
    <message>
        <source>Finding the location…</source>
        <translation>正在定位…</translation>
    </message>
    <message>
        <source>Record location</source>
        <translation>记录位置</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Waiting for the first fix…</source>
        <translation>正在等待第一次定位…</translation>
    </message>
    <message>
        <source>Found, accuracy unknown</source>
        <translation>已定位，精度未知</translation>
    </message>
    <message>
        <source>Best so far: accuracy %1 m</source>
        <translation>目前最佳：精度 %1 米</translation>
    </message>
    <message>
        <source>accuracy %1 m</source>
        <translation>精度 %1 米</translation>
    </message>
    <message>
        <source>Use this location</source>
        <translation>使用此位置</translation>
    </message>
    <message>
        <source>Use this location (±%1 m)</source>
        <translation>使用此位置（±%1 米）</translation>
    </message>
</context>
<context>
    <name>LocationChart</name>
    <message>
        <source>Locations</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Survey Collector</source>
        <translation>调查采集</translation>
    </message>
</context>
<context>
    <name>NumberChart</name>
    <message>
        <source>min %1 · median %2 · mean %3 · max %4</source>
        <translation>最小 %1 · 中位数 %2 · 均值 %3 · 最大 %4</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>Submissions</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>%1: no answers</source>
        <translation>%1：无回答</translation>
    </message>
    <message numerus="yes">
        <source>%1: median %2, mean %3 (%n answers)</source>
        <translation>
            <numerusform>%1：中位数 %2，均值 %3（%n 个回答）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OpenRosaServer</name>
    <message>
        <source>sign in: this server needs a user name and password</source>
        <translation>请登录：本服务器需要用户名和密码</translation>
    </message>
    <message>
        <source>the sign-in header is malformed</source>
        <translation>登录请求头格式错误</translation>
    </message>
    <message>
        <source>the server cannot read its database; try again later</source>
        <translation>服务器无法读取其数据库，请稍后重试</translation>
    </message>
    <message>
        <source>the user name or password is wrong</source>
        <translation>用户名或密码错误</translation>
    </message>
    <message>
        <source>%1 may not use project %2</source>
        <translation>%1 无权使用项目 %2</translation>
    </message>
    <message>
        <source>this is an OpenRosa endpoint: send the header X-OpenRosa-Version: 1.0</source>
        <translation>这是 OpenRosa 接口：请发送请求头 X-OpenRosa-Version: 1.0</translation>
    </message>
    <message>
        <source>there is no such form in project %1</source>
        <translation>项目 %1 中没有此表单</translation>
    </message>
    <message>
        <source>there is no such media file</source>
        <translation>没有此媒体文件</translation>
    </message>
    <message>
        <source>send submissions with POST</source>
        <translation>请用 POST 提交数据</translation>
    </message>
    <message>
        <source>a submission is multipart/form-data with a part named xml_submission_file</source>
        <translation>提交必须是 multipart/form-data，并包含名为 xml_submission_file 的部分</translation>
    </message>
    <message>
        <source>the submission is not readable XML (line %1, column %2): %3</source>
        <translation>提交内容不是可读取的 XML（第 %1 行，第 %2 列）：%3</translation>
    </message>
    <message>
        <source>there is no form &apos;%1&apos; in project %2</source>
        <translation>项目 %2 中没有表单 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the form &apos;%1&apos; is closed to new submissions</source>
        <translation>表单 &apos;%1&apos; 已停止接收新提交</translation>
    </message>
    <message>
        <source>version &apos;%1&apos; of form &apos;%2&apos; is not published here; update the form on the device</source>
        <translation>表单 &apos;%2&apos; 的版本 &apos;%1&apos; 未在此发布；请在设备上更新表单</translation>
    </message>
    <message>
        <source>the published form cannot be loaded: %1</source>
        <translation>无法加载已发布的表单：%1</translation>
    </message>
    <message>
        <source>the submission does not match form &apos;%1&apos; version &apos;%2&apos;: %3</source>
        <translation>提交内容与表单 &apos;%1&apos; 的版本 &apos;%2&apos; 不匹配：%3</translation>
    </message>
    <message>
        <source>the submission has no meta/instanceID</source>
        <translation>提交内容缺少 meta/instanceID</translation>
    </message>
    <message>
        <source>storing the submission</source>
        <translation>保存提交</translation>
    </message>
    <message>
        <source>a different submission with instanceID %1 is already stored; an edit needs a new instanceID and deprecatedID %1</source>
        <translation>已存储了 instanceID 为 %1 的另一份提交；修改后的提交需要新的 instanceID，并将 deprecatedID 设为 %1</translation>
    </message>
    <message>
        <source>this submission was already received; nothing stored twice</source>
        <translation>此提交已收到；不会重复保存</translation>
    </message>
    <message>
        <source>deprecatedID %1 names no stored submission</source>
        <translation>deprecatedID %1 没有对应的已存储提交</translation>
    </message>
    <message>
        <source>deprecatedID %1 is not the current version of its submission: the edit started from an old copy</source>
        <translation>deprecatedID %1 不是该提交的当前版本：此修改基于旧的副本</translation>
    </message>
    <message>
        <source>submission received</source>
        <translation>已收到提交</translation>
    </message>
    <message>
        <source>corrected submission received</source>
        <translation>已收到修改后的提交</translation>
    </message>
    <message>
        <source>the server failed on this request; the data stored before it is intact</source>
        <translation>服务器处理此请求时出错；之前存储的数据完好无损</translation>
    </message>
    <message>
        <source>the request body must be a JSON object</source>
        <translation>请求体必须是 JSON 对象</translation>
    </message>
    <message>
        <source>the session has expired or does not exist: sign in again</source>
        <translation>会话已过期或不存在：请重新登录</translation>
    </message>
    <message>
        <source>starting the session</source>
        <translation>创建会话</translation>
    </message>
    <message>
        <source>there is no such submission</source>
        <translation>没有此提交</translation>
    </message>
    <message>
        <source>reviewState must be approved, hasIssues or rejected</source>
        <translation>reviewState 必须是 approved、hasIssues 或 rejected</translation>
    </message>
    <message>
        <source>only the enumerator&apos;s supervisor or an admin may review this submission</source>
        <translation>只有该调查员的督导或管理员可以审核此提交</translation>
    </message>
    <message>
        <source>sending a submission back needs a comment for the enumerator</source>
        <translation>退回提交时必须给调查员写一条意见</translation>
    </message>
    <message>
        <source>a comment needs a body</source>
        <translation>意见不能为空</translation>
    </message>
    <message>
        <source>storing the comment</source>
        <translation>保存意见</translation>
    </message>
    <message>
        <source>only supervisors and admins may export submissions</source>
        <translation>只有督导和管理员可以导出提交</translation>
    </message>
    <message>
        <source>no room for the export on the server&apos;s disk</source>
        <translation>服务器磁盘空间不足，无法导出</translation>
    </message>
    <message>
        <source>the export archive cannot be created</source>
        <translation>无法创建导出压缩包</translation>
    </message>
    <message>
        <source>the export archive cannot be written</source>
        <translation>无法写入导出压缩包</translation>
    </message>
    <message>
        <source>only admins may read the audit log</source>
        <translation>只有管理员可以查看审计日志</translation>
    </message>
    <message>
        <source>target must be a whole number, 0 or more</source>
        <translation>target 必须是大于或等于 0 的整数</translation>
    </message>
    <message>
        <source>there is no such form or enumerator in project %1</source>
        <translation>项目 %1 中没有此表单或调查员</translation>
    </message>
    <message>
        <source>only the enumerator&apos;s supervisor or an admin may set their assignment</source>
        <translation>只有该调查员的督导或管理员可以设置其任务量</translation>
    </message>
    <message>
        <source>storing the assignment</source>
        <translation>保存任务量</translation>
    </message>
    <message>
        <source>only admins may manage users</source>
        <translation>只有管理员可以管理用户</translation>
    </message>
    <message>
        <source>the form has no language &apos;%1&apos; (it has: %2)</source>
        <translation>表单中没有语言 &apos;%1&apos;（可用语言：%2）</translation>
    </message>
    <message>
        <source>TLS needs both a certificate (--tls-cert) and its key (--tls-key)</source>
        <translation>TLS 需要证书（--tls-cert）及其私钥（--tls-key）两者</translation>
    </message>
    <message>
        <source>a multipart form upload needs the XForm in a part named &apos;form&apos;</source>
        <translation>以 multipart 方式上传表单时，XForm 必须放在名为“form”的部分中</translation>
    </message>
    <message>
        <source>media file %1 is sent twice</source>
        <translation>媒体文件 %1 被发送了两次</translation>
    </message>
    <message>
        <source>only admins may change forms</source>
        <translation>只有管理员可以更改表单</translation>
    </message>
    <message>
        <source>there is no form %1 in project %2</source>
        <translation>项目 %2 中没有表单 %1</translation>
    </message>
    <message>
        <source>send {&quot;state&quot;: &quot;open&quot;}, {&quot;state&quot;: &quot;closing&quot;} or {&quot;state&quot;: &quot;closed&quot;}</source>
        <translation>请发送 {&quot;state&quot;: &quot;open&quot;}、{&quot;state&quot;: &quot;closing&quot;} 或 {&quot;state&quot;: &quot;closed&quot;}</translation>
    </message>
    <message>
        <source>form %1 has no published version in project %2</source>
        <translation>项目 %2 中的表单 %1 没有已发布的版本</translation>
    </message>
    <message>
        <source>form %1 has no draft in project %2</source>
        <translation>项目 %2 中的表单 %1 没有草稿</translation>
    </message>
    <message>
        <source>send the XForm as the request body</source>
        <translation>请将 XForm 作为请求体发送</translation>
    </message>
    <message>
        <source>the draft of form %1 has no media file &apos;%2&apos;</source>
        <translation>表单 %1 的草稿中没有媒体文件“%2”</translation>
    </message>
    <message>
        <source>the version to publish as must not be empty</source>
        <translation>发布所用的版本号不能为空</translation>
    </message>
    <message>
        <source>the submission is larger than this server takes (%1 MB); the device should send its attachments in several parts</source>
        <translation>提交内容超过了本服务器接受的大小（%1 MB）；设备应将附件分几次发送</translation>
    </message>
    <message>
        <source>the submission&apos;s multipart body is malformed or was cut off: %1</source>
        <translation>提交的 multipart 正文格式错误或被截断：%1</translation>
    </message>
    <message>
        <source>submission %1: its XML cannot be read (%2); it is not in the CSV files</source>
        <translation>提交 %1：无法读取其 XML（%2）；它没有写入 CSV 文件</translation>
    </message>
    <message>
        <source>submission file &apos;%1&apos; is stored as attachment-%2: its name is not a plain file name</source>
        <translation>提交的文件“%1”保存为 attachment-%2：它的名字不是普通文件名</translation>
    </message>
    <message numerus="yes">
        <source>too many failed sign-ins for this account or from this address; try again in %n second(s)</source>
        <translation>
            <numerusform>此账号或此地址的登录失败次数过多；请在 %n 秒后再试</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>a submission request may carry at most %n files; send the rest in further requests</source>
        <translation>
            <numerusform>一次提交请求最多携带 %n 个文件；其余的请分多次请求发送</numerusform>
        </translation>
    </message>
    <message>
        <source>use the OpenRosa form uuid:… (printable characters, no &apos;/&apos; or &apos;\&apos;, at most %1)</source>
        <translation>请使用 OpenRosa 格式 uuid:…（可打印字符，不含“/”或“\”，最多 %1 个）</translation>
    </message>
    <message>
        <source>the instanceID is not acceptable: %1</source>
        <translation>instanceID 不可接受：%1</translation>
    </message>
    <message>
        <source>the deprecatedID is not acceptable: %1</source>
        <translation>deprecatedID 不可接受：%1</translation>
    </message>
    <message>
        <source>the attachment name &apos;%1&apos; is not a plain file name (one name, no folders, no control characters, at most %2 bytes)</source>
        <translation>附件名“%1”不是普通文件名（只能是一个名字，不含文件夹和控制字符，最多 %2 字节）</translation>
    </message>
    <message>
        <source>the attachment &apos;%1&apos; is sent twice in one request</source>
        <translation>附件“%1”在一次请求中发送了两次</translation>
    </message>
    <message>
        <source>instanceID %1 is already taken by another submission; an edit needs a new instanceID and deprecatedID %1</source>
        <translation>instanceID %1 已被另一份提交使用；修改需要新的 instanceID，并把 deprecatedID 设为 %1</translation>
    </message>
    <message numerus="yes">
        <source>Left out %n file(s) the submission does not refer to: %1</source>
        <translation>
            <numerusform>略去了提交中未引用的 %n 个文件：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>send the request body as JSON, with Content-Type: application/json</source>
        <translation>请以 JSON 发送请求正文，并带上 Content-Type: application/json</translation>
    </message>
    <message>
        <source>there is no such session</source>
        <translation>没有这个会话</translation>
    </message>
    <message>
        <source>the request came too slowly and was cut off; send it again</source>
        <translation>请求到达太慢，已被中断；请重新发送</translation>
    </message>
    <message>
        <source>the request is larger than the server takes for it (at most %1 bytes)</source>
        <translation>请求超出了服务器对它的接收上限（最多 %1 字节）</translation>
    </message>
    <message>
        <source>the request&apos;s headers are too large</source>
        <translation>请求头过大</translation>
    </message>
    <message>
        <source>the request&apos;s address is too long</source>
        <translation>请求的地址过长</translation>
    </message>
    <message>
        <source>too many connections from your address at once; try again later</source>
        <translation>来自你的地址的同时连接过多；请稍后再试</translation>
    </message>
    <message>
        <source>the server has no room on its disk for the request; try again later</source>
        <translation>服务器磁盘没有空间存放该请求；请稍后再试</translation>
    </message>
    <message>
        <source>the request is malformed: %1</source>
        <translation>请求格式有误：%1</translation>
    </message>
    <message>
        <source>there is nothing at this address</source>
        <translation>此地址下没有内容</translation>
    </message>
    <message>
        <source>requests from the pages of other sites are refused</source>
        <translation>来自其他网站页面的请求会被拒绝</translation>
    </message>
    <message>
        <source>cannot use the TLS certificate %1 with the key %2: both must be readable PEM files and the key must belong to the certificate (%3)</source>
        <translation>无法使用 TLS 证书 %1 和密钥 %2：两者都必须是可读取的 PEM 文件，且密钥必须属于该证书（%3）</translation>
    </message>
    <message>
        <source>cannot listen on %1:%2 (%3)</source>
        <translation>无法在 %1:%2 上监听（%3）</translation>
    </message>
    <message>
        <source>form version %1 is not in the database</source>
        <translation>数据库中没有表单版本 %1</translation>
    </message>
    <message>
        <source>a comment may be at most %1 characters</source>
        <translation>意见最多 %1 个字符</translation>
    </message>
    <message>
        <source>the flag&apos;s path %1 names nothing in this submission</source>
        <translation>标记的路径 %1 在这份提交中不存在</translation>
    </message>
    <message>
        <source>the submission has a newer version (%1) than the one reviewed (%2)</source>
        <translation>这份提交有更新的版本（%1），不是审核时的版本（%2）</translation>
    </message>
    <message>
        <source>someone else reviewed the submission meanwhile: it is now %1</source>
        <translation>其间已有他人审核了这份提交：当前状态为 %1</translation>
    </message>
    <message>
        <source>decisionId must be 8 to 80 letters, digits, &apos;-&apos; or &apos;:&apos;</source>
        <translation>decisionId 必须是 8 到 80 个字母、数字、“-”或“:”</translation>
    </message>
    <message>
        <source>baseVersion or baseReviewState is too long</source>
        <translation>baseVersion 或 baseReviewState 太长</translation>
    </message>
    <message>
        <source>flags must be a list of at most %1 {&quot;path&quot;, &quot;note&quot;} objects</source>
        <translation>flags 必须是最多 %1 个 {&quot;path&quot;, &quot;note&quot;} 对象的列表</translation>
    </message>
    <message>
        <source>a flag&apos;s path must name a question, as /data/group/question (with [n] for a repeat&apos;s entry)</source>
        <translation>标记的路径必须指向一个问题，如 /data/group/question（重复组条目加 [n]）</translation>
    </message>
    <message>
        <source>a flag&apos;s note may be at most %1 characters</source>
        <translation>标记的说明最多 %1 个字符</translation>
    </message>
    <message>
        <source>questions are flagged only when sending back (hasIssues)</source>
        <translation>只有退回（hasIssues）时才能标记问题</translation>
    </message>
    <message>
        <source>storing the review</source>
        <translation>保存审核结果</translation>
    </message>
    <message>
        <source>only supervisors and admins review submissions</source>
        <translation>只有督导员和管理员可以审核提交</translation>
    </message>
    <message>
        <source>the submission has no such version</source>
        <translation>这份提交没有该版本</translation>
    </message>
    <message>
        <source>the submission has no such attachment</source>
        <translation>这份提交没有该附件</translation>
    </message>
    <message>
        <source>the form has no such version</source>
        <translation>表单没有该版本</translation>
    </message>
    <message>
        <source>decision %1 was already used for another decision</source>
        <translation>审核决定 %1 已用于另一个决定</translation>
    </message>
    <message>
        <source>the submission changed while the review was being stored</source>
        <translation>保存审核结果时提交已被改动</translation>
    </message>
    <message>
        <source>The XLSForm is in the old Excel format (.xls): save it as an Excel Workbook (.xlsx) and upload that.</source>
        <translation>该 XLSForm 是旧的 Excel 格式（.xls）：请另存为 Excel 工作簿（.xlsx）后再上传。</translation>
    </message>
    <message>
        <source>The XLSForm is not valid: %1</source>
        <translation>该 XLSForm 无效：%1</translation>
    </message>
    <message>
        <source>The XLSForm is valid, but with warnings. Check them and, if they are acceptable, send it again with ?ignoreWarnings=true.</source>
        <translation>该 XLSForm 有效，但有警告。请检查这些警告；如果可以接受，请加上 ?ignoreWarnings=true 再次发送。</translation>
    </message>
    <message>
        <source>only supervisors and admins may download a form&apos;s XLSForm</source>
        <translation>只有督导和管理员可以下载表单的 XLSForm</translation>
    </message>
    <message>
        <source>this form was not uploaded as an XLSForm</source>
        <translation>此表单不是以 XLSForm 上传的</translation>
    </message>
    <message>
        <source>approvedOnly is true or false</source>
        <translation>approvedOnly 只能是 true 或 false</translation>
    </message>
    <message>
        <source>lang is a language code such as en or zh_CN</source>
        <translation>lang 须为语言代码，如 en 或 zh_CN</translation>
    </message>
    <message>
        <source>the form&apos;s analysis.json is larger than the 1 MB a spec may have: it is not used</source>
        <translation>表单的 analysis.json 超过了分析规格允许的 1 MB：未使用</translation>
    </message>
    <message>
        <source>the form&apos;s analysis.json is not used: %1</source>
        <translation>未使用表单的 analysis.json：%1</translation>
    </message>
    <message>
        <source>only supervisors and admins may see the analysis of a form</source>
        <translation>只有督导员和管理员可以查看表单的分析</translation>
    </message>
    <message>
        <source>the server is working out another analysis; try again in a few seconds</source>
        <translation>服务器正在进行另一项分析，请几秒钟后重试</translation>
    </message>
</context>
<context>
    <name>OutlinePage</name>
    <message>
        <source>Questions</source>
        <translation>题目</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Go to the end</source>
        <translation>转到末尾</translation>
    </message>
    <message numerus="yes">
        <source>Add a new &quot;%1&quot;? (%n so far)</source>
        <translation>
            <numerusform>新增一个“%1”？（已有 %n 个）</numerusform>
        </translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>请检查</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>督导员：%1</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Password not accepted</source>
        <translation>密码未被接受</translation>
    </message>
    <message>
        <source>Password needed to send</source>
        <translation>发送需要密码</translation>
    </message>
    <message>
        <source>This device cannot keep passwords, so the app does not have yours after a restart.</source>
        <translation>这台设备无法保存密码，所以应用重新启动后没有您的密码。</translation>
    </message>
    <message>
        <source>The device&apos;s password store is locked or did not give the password.</source>
        <translation>设备的密码库已锁定，或没有提供密码。</translation>
    </message>
    <message>
        <source>The server did not accept the password. It may have been changed.</source>
        <translation>服务器不接受这个密码，密码可能已被更改。</translation>
    </message>
    <message>
        <source>No password is saved on this device for your account.</source>
        <translation>这台设备上没有保存您账户的密码。</translation>
    </message>
    <message>
        <source>Type the password of %1 for %2 to send your records. Your answers on this device are safe either way.</source>
        <translation>请输入 %1 在 %2 的密码以发送记录。无论如何，这台设备上的答案都不会丢失。</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Show password</source>
        <translation>显示密码</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <source>Use this password</source>
        <translation>使用此密码</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <extracomment>Two sentences: why the password is asked for, then what to do</extracomment>
        <translation>%1%2</translation>
    </message>
</context>
<context>
    <name>PdfReport</name>
    <message>
        <source>95% interval %1–%2</source>
        <translation>95% 区间 %1–%2</translation>
    </message>
    <message>
        <source>%1: analysis report</source>
        <translation>%1：分析报告</translation>
    </message>
    <message numerus="yes">
        <source>Made on %1 from %n submission(s) (of %2 on the device).</source>
        <translation>
            <numerusform>%1 生成，依据 %n 份提交（设备上共 %2 份）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Counted: %1.</source>
        <translation>统计范围：%1。</translation>
    </message>
    <message numerus="yes">
        <source>%n submission(s) could not be read and are left out.</source>
        <translation>
            <numerusform>%n 份提交无法读取，已略去。</numerusform>
        </translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Emission factors</source>
        <translation>排放因子</translation>
    </message>
    <message>
        <source>Factor</source>
        <translation>因子</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Household carbon baseline</source>
        <translation>家庭碳排放基线</translation>
    </message>
    <message numerus="yes">
        <source>Per household: mean %1 kgCO2 a year (%2), median %3; %n household(s).</source>
        <translation>
            <numerusform>每户：均值每年 %1 千克二氧化碳（%2），中位数 %3；共 %n 户。</numerusform>
        </translation>
    </message>
    <message>
        <source>Per person: mean %1 kgCO2 a year (%2), median %3.</source>
        <translation>每人：均值每年 %1 千克二氧化碳（%2），中位数 %3。</translation>
    </message>
    <message>
        <source>The city&apos;s households: %1 tCO2 a year (%2).</source>
        <translation>全市家庭：每年 %1 吨二氧化碳（%2）。</translation>
    </message>
    <message>
        <source>Mean per household by source, kgCO2 a year</source>
        <translation>各排放源的户均排放，千克二氧化碳/年</translation>
    </message>
    <message>
        <source>kgCO2</source>
        <translation>千克二氧化碳</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Mean kgCO2</source>
        <translation>均值（千克二氧化碳）</translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation>95% 区间</translation>
    </message>
    <message>
        <source>Mean per household by group, kgCO2 a year</source>
        <translation>各分组的户均排放，千克二氧化碳/年</translation>
    </message>
    <message>
        <source>Forecast of the city&apos;s household emissions</source>
        <translation>全市家庭排放预测</translation>
    </message>
    <message>
        <source>tCO2 a year</source>
        <translation>吨二氧化碳/年</translation>
    </message>
    <message>
        <source>Baseline %1</source>
        <translation>%1 年基线</translation>
    </message>
    <message>
        <source>Scenario</source>
        <translation>情景</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年份</translation>
    </message>
    <message>
        <source>kgCO2 per household</source>
        <translation>户均千克二氧化碳</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>情景</translation>
    </message>
    <message>
        <source>Grid factor falls, % a year</source>
        <translation>电网排放因子每年下降（%）</translation>
    </message>
    <message>
        <source>Cooking and heating to electricity by %1, %</source>
        <translation>到 %1 年炊事和取暖改用电（%）</translation>
    </message>
    <message>
        <source>Vehicles electric by %1, %</source>
        <translation>到 %1 年车辆电动化（%）</translation>
    </message>
    <message>
        <source>Households grow, % a year</source>
        <translation>户数每年增长（%）</translation>
    </message>
    <message>
        <source>Demand for low-carbon services</source>
        <translation>低碳服务需求</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n enterprise(s) are interested in at least one service.</source>
        <translation>
            <numerusform>%n 家企业中有 %1 家对至少一项服务有意向。</numerusform>
        </translation>
    </message>
    <message>
        <source>Interested, % of enterprises</source>
        <translation>有意向的企业占比（%）</translation>
    </message>
    <message numerus="yes">
        <source>Willingness to pay a year (%1): median %2, mean %3, from %4 to %5; %n answer(s).</source>
        <translation>
            <numerusform>每年支付意愿（%1）：中位数 %2，均值 %3，范围 %4 至 %5；共 %n 个回答。</numerusform>
        </translation>
    </message>
    <message>
        <source>Energy spend of the enterprises counted: %1 %2 a year. At %3% of the spend of those interested in a service, the savings would be %4 %2 a year (%5).</source>
        <translation>所统计企业的能源支出：每年 %1 %2。按有服务意向企业支出的 %3% 计，每年可节约 %4 %2（%5）。</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>未回答</translation>
    </message>
    <message>
        <source>Interested by %1</source>
        <translation>按%1的意向</translation>
    </message>
    <message>
        <source>Each question</source>
        <translation>各问题</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %n answered</source>
        <translation>
            <numerusform>%1 — %n 个已回答</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n without an answer</source>
        <translation>
            <numerusform>，%n 个未回答</numerusform>
        </translation>
    </message>
    <message>
        <source>Submissions</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>min %1 · median %2 · mean %3 · max %4</source>
        <translation>最小 %1 · 中位数 %2 · 均值 %3 · 最大 %4</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>从 %1 到 %2</translation>
    </message>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 cannot be written as a PDF.</source>
        <translation>无法将 %1 写为 PDF。</translation>
    </message>
</context>
<context>
    <name>ProgressChart</name>
    <message>
        <source>Approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已修改</translation>
    </message>
    <message>
        <source>Has issues</source>
        <translation>有问题</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>On this device</source>
        <translation>本设备上</translation>
    </message>
</context>
<context>
    <name>QuestionCard</name>
    <message>
        <source>Calculated · </source>
        <translation>计算值 · </translation>
    </message>
    <message numerus="yes">
        <source>%n answered</source>
        <translation>
            <numerusform>%n 个已回答</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · %n without an answer</source>
        <translation>
            <numerusform> · %n 个未回答</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuestionView</name>
    <message>
        <source>More help</source>
        <translation>更多说明</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>督导员：%1</translation>
    </message>
</context>
<context>
    <name>RankAnswer</name>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Keep this order</source>
        <translation>保持此顺序</translation>
    </message>
</context>
<context>
    <name>RecordDelegate</name>
    <message>
        <source>Supervisor: %1</source>
        <translation>督导意见：%1</translation>
    </message>
    <message>
        <source>Corrected. The supervisor had said: %1</source>
        <translation>已更正。督导曾说：%1</translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Search records</source>
        <translation>搜索记录</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新的在前</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>按名称</translation>
    </message>
</context>
<context>
    <name>RecordSection</name>
    <message>
        <source>Show all %1</source>
        <translation>显示全部 %1 条</translation>
    </message>
</context>
<context>
    <name>ReviewCommand</name>
    <message>
        <source>usage: %1
</source>
        <translation>用法：%1
</translation>
    </message>
    <message>
        <source> (not sent yet)</source>
        <translation>（尚未发送）</translation>
    </message>
    <message>
        <source> (your decision was refused: look again)</source>
        <translation>（您的决定被拒绝：请重新查看）</translation>
    </message>
    <message>
        <source>error: form %1 version %2 is not on this device: pull again
</source>
        <translation>错误：本设备上没有表单 %1 的版本 %2：请重新下载
</translation>
    </message>
    <message>
        <source>error: version %1 does not fit its form: %2
</source>
        <translation>错误：版本 %1 与其表单不符：%2
</translation>
    </message>
    <message>
        <source>error: the form has no language &apos;%1&apos;
</source>
        <translation>错误：表单没有语言“%1”
</translation>
    </message>
    <message>
        <source>Submission %1 (%2, form %3 version %4)
</source>
        <translation>提交 %1（%2，表单 %3 版本 %4）
</translation>
    </message>
    <message>
        <source>By %1 on device %2; received %3; review state %4
</source>
        <translation>由 %1 在设备 %2 上提交；接收于 %3；审核状态 %4
</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>（未知）</translation>
    </message>
    <message>
        <source> (computed)</source>
        <translation>（计算值）</translation>
    </message>
    <message>
        <source> (file)</source>
        <translation>（文件）</translation>
    </message>
    <message>
        <source>Changes since version %1:
</source>
        <translation>自版本 %1 以来的更改：
</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Comment by %1 at %2: %3
</source>
        <translation>%1 于 %2 的意见：%3
</translation>
    </message>
    <message>
        <source>Flag on %1 by %2: %3
</source>
        <translation>%2 标记了 %1：%3
</translation>
    </message>
    <message>
        <source>Your decision: %1 (%2)</source>
        <translation>您的决定：%1（%2）</translation>
    </message>
    <message>
        <source>%1: %2, queued; `survey-cli sync` sends it
</source>
        <translation>%1：%2，已排队；`survey-cli sync` 会发送
</translation>
    </message>
</context>
<context>
    <name>ReviewDelegate</name>
    <message>
        <source>%1 · %2 · %3</source>
        <extracomment>The queue&apos;s second line: enumerator · form · when received</extracomment>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>Your decision is waiting to be sent</source>
        <translation>您的决定等待发送</translation>
    </message>
    <message>
        <source>Your decision was refused: look again</source>
        <translation>您的决定被拒绝：请重新查看</translation>
    </message>
    <message>
        <source>Corrected since you last looked</source>
        <translation>上次查看后已更正</translation>
    </message>
    <message>
        <source>Photos not downloaded yet</source>
        <translation>照片尚未下载</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Send and receive</source>
        <translation>发送和接收</translation>
    </message>
    <message>
        <source>Download the team&apos;s new submissions and send your decisions (F5)</source>
        <translation>下载团队的新提交并发送您的审核决定（F5）</translation>
    </message>
    <message>
        <source>Search by name</source>
        <translation>按名称搜索</translation>
    </message>
    <message>
        <source>All forms</source>
        <translation>全部表单</translation>
    </message>
    <message>
        <source>All enumerators</source>
        <translation>全部调查员</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>任何时间</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新的在前</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早的在前</translation>
    </message>
    <message>
        <source>By enumerator</source>
        <translation>按调查员</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>按名称</translation>
    </message>
    <message>
        <source>By state</source>
        <translation>按状态</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) waiting to be sent</source>
        <translation>
            <numerusform>%n 个审核决定等待发送</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to review yet. Send and receive to download your team&apos;s submissions.</source>
        <translation>还没有需要审核的内容。点击“发送和接收”下载团队的提交。</translation>
    </message>
    <message>
        <source>No submission matches these filters.</source>
        <translation>没有符合这些筛选条件的提交。</translation>
    </message>
</context>
<context>
    <name>ReviewStore</name>
    <message>
        <source>storing pulled submissions</source>
        <translation>保存下载的提交</translation>
    </message>
    <message>
        <source>reading the attachments to download</source>
        <translation>读取待下载的附件</translation>
    </message>
    <message>
        <source>The file name &apos;%1&apos; is not a plain file name.</source>
        <translation>文件名“%1”不是普通文件名。</translation>
    </message>
    <message>
        <source>reading an attachment</source>
        <translation>读取附件</translation>
    </message>
    <message>
        <source>The attachment %1 is not listed for this submission.</source>
        <translation>附件 %1 不属于这份提交。</translation>
    </message>
    <message>
        <source>The attachment %1 arrived damaged (its checksum is wrong); it will be downloaded again.</source>
        <translation>附件 %1 下载后已损坏（校验和不符）；将重新下载。</translation>
    </message>
    <message>
        <source>saving an attachment</source>
        <translation>保存附件</translation>
    </message>
    <message>
        <source>reading the submissions to review</source>
        <translation>读取待审核的提交</translation>
    </message>
    <message>
        <source>reading a submission</source>
        <translation>读取提交</translation>
    </message>
    <message>
        <source>There is no submission %1 on this device; pull again.</source>
        <translation>本设备上没有提交 %1；请重新下载。</translation>
    </message>
    <message>
        <source>reading a submission&apos;s versions</source>
        <translation>读取提交的版本</translation>
    </message>
    <message>
        <source>reading a submission&apos;s attachments</source>
        <translation>读取提交的附件</translation>
    </message>
    <message>
        <source>reading a submission&apos;s comments</source>
        <translation>读取提交的意见</translation>
    </message>
    <message>
        <source>reading a submission&apos;s flags</source>
        <translation>读取提交的标记</translation>
    </message>
    <message>
        <source>counting the submissions to review</source>
        <translation>统计待审核的提交</translation>
    </message>
    <message>
        <source>counting the team&apos;s submissions</source>
        <translation>统计团队的提交</translation>
    </message>
    <message>
        <source>saving what was seen</source>
        <translation>保存已查看的版本</translation>
    </message>
    <message>
        <source>A decision is approved, hasIssues or rejected, not &apos;%1&apos;.</source>
        <translation>审核决定只能是 approved、hasIssues 或 rejected，不能是“%1”。</translation>
    </message>
    <message>
        <source>Sending a submission back or rejecting it needs a comment for the enumerator.</source>
        <translation>退回或拒绝提交时需要填写给调查员的意见。</translation>
    </message>
    <message>
        <source>Questions are flagged only when the submission is sent back.</source>
        <translation>只有退回提交时才能标记问题。</translation>
    </message>
    <message>
        <source>saving the decision</source>
        <translation>保存审核决定</translation>
    </message>
    <message>
        <source>reading the decisions</source>
        <translation>读取审核决定</translation>
    </message>
    <message>
        <source>sending a decision</source>
        <translation>发送审核决定</translation>
    </message>
    <message>
        <source>saving a sent decision</source>
        <translation>保存已发送的审核决定</translation>
    </message>
    <message>
        <source>saving a failed decision</source>
        <translation>保存发送失败的审核决定</translation>
    </message>
    <message>
        <source>saving a refused decision</source>
        <translation>保存被拒绝的审核决定</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) made on this device as %1 are not sent yet: sign in as that account and send them first.</source>
        <translation>
            <numerusform>本设备上以 %1 身份作出的 %n 个审核决定尚未发送：请以该账户登录并先发送。</numerusform>
        </translation>
    </message>
    <message>
        <source>forgetting another account&apos;s review copies</source>
        <translation>清除另一个账户的审核副本</translation>
    </message>
    <message>
        <source>Submissions of two forms share the instanceID %1: only the first one pulled is kept here. Review the other on the server.</source>
        <translation>两个表单的提交使用了同一个 instanceID %1：本设备只保留先下载的一份。另一份请在服务器上审核。</translation>
    </message>
    <message>
        <source>reading the forms submissions need</source>
        <translation>读取提交所需的表单</translation>
    </message>
    <message>
        <source>reading the pulled submissions</source>
        <translation>读取已下载的提交</translation>
    </message>
</context>
<context>
    <name>ScannerPage</name>
    <message>
        <source>Scan a code</source>
        <translation>扫描条码</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The camera failed: %1</source>
        <translation>相机出错：%1</translation>
    </message>
    <message>
        <source>Hold the code inside the picture; it is read by itself.</source>
        <translation>将条码对准画面，识别后会自动填入。</translation>
    </message>
</context>
<context>
    <name>SelectChart</name>
    <message>
        <source>Submissions</source>
        <translation>提交</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Send automatically</source>
        <translation>自动发送</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>On Wi-Fi only</source>
        <translation>仅在 Wi-Fi 下</translation>
    </message>
    <message>
        <source>On any network</source>
        <translation>在任何网络下</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>字体大小</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Forms on this device only</source>
        <translation>仅使用本设备上的表单</translation>
    </message>
    <message>
        <source>%1 as %2</source>
        <translation>%1（用户 %2）</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Form language</source>
        <translation>表单语言</translation>
    </message>
    <message>
        <source>Same as the app</source>
        <translation>与应用相同</translation>
    </message>
    <message>
        <source>Forms without this language use the app&apos;s language, or their own default.</source>
        <translation>没有该语言的表单将使用应用的语言，或表单自身的默认语言。</translation>
    </message>
    <message>
        <source>Survey Collector %1. Free software under the GNU GPL, version 3 or later. Built with Qt (LGPL v3), SQLite (public domain), QtKeychain (BSD), zxing-cpp (Apache 2.0), GStreamer (LGPL), the Noto CJK fonts (OFL) and the Adwaita icons (CC-BY-SA 3.0 or LGPL 3).</source>
        <translation>调查采集 %1。自由软件，采用 GNU GPL 第 3 版或更高版本授权。使用了 Qt（LGPL v3）、SQLite（公有领域）、QtKeychain（BSD）、zxing-cpp（Apache 2.0）、GStreamer（LGPL）、Noto CJK 字体（OFL）和 Adwaita 图标（CC-BY-SA 3.0 或 LGPL 3）。</translation>
    </message>
</context>
<context>
    <name>SignOutDialog</name>
    <message>
        <source>Sign out?</source>
        <translation>退出登录？</translation>
    </message>
    <message>
        <source>They stay on this device and are sent after you sign in again. Records are only sent while you are signed in.</source>
        <translation>这些记录会保留在这台设备上，重新登录后再发送。只有登录后才能发送记录。</translation>
    </message>
    <message>
        <source>Everything on this device has been sent. Your records and forms stay on this device.</source>
        <translation>这台设备上的所有记录都已发送。您的记录和表单会保留在这台设备上。</translation>
    </message>
    <message>
        <source>Stay signed in</source>
        <translation>保持登录</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message numerus="yes">
        <source>Not sent yet: %n record(s) on this device.</source>
        <translation>
            <numerusform>这台设备上还有 %n 条记录未发送。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Spec</name>
    <message>
        <source>analysis.json, “%1”: %2</source>
        <translation>analysis.json 中的“%1”：%2</translation>
    </message>
    <message>
        <source>a number from %1 to %2 is needed.</source>
        <translation>需要 %1 到 %2 之间的数字。</translation>
    </message>
    <message>
        <source>a text is needed.</source>
        <translation>需要一段文字。</translation>
    </message>
    <message>
        <source>a text, or texts by language ({&quot;en&quot;: …, &quot;zh&quot;: …}), is needed.</source>
        <translation>需要一段文字，或按语言给出的文字（{&quot;en&quot;: …, &quot;zh&quot;: …}）。</translation>
    </message>
    <message>
        <source>the path of a question (/data/…) is needed.</source>
        <translation>需要问题的路径（/data/…）。</translation>
    </message>
    <message>
        <source>%1 is not a question of the form.</source>
        <translation>%1 不是问卷中的问题。</translation>
    </message>
    <message>
        <source>%1 is not a question of the kind this needs (a number or a select one, as the README says).</source>
        <translation>%1 不是此处所需类型的问题（见 README：数字或单选）。</translation>
    </message>
    <message>
        <source>%1 is inside a repeat: a field with one answer per submission is needed.</source>
        <translation>%1 位于重复组内：此处需要每份提交只有一个答案的字段。</translation>
    </message>
    <message>
        <source>at least one source is needed.</source>
        <translation>至少需要一个排放源。</translation>
    </message>
    <message>
        <source>a name is needed.</source>
        <translation>需要名称。</translation>
    </message>
    <message>
        <source>two sources have this name.</source>
        <translation>有两个排放源同名。</translation>
    </message>
    <message>
        <source>“%1” is not one of electricity, heat, vehicle, other.</source>
        <translation>“%1”不是 electricity、heat、vehicle、other 之一。</translation>
    </message>
    <message>
        <source>households by group need a “group” question.</source>
        <translation>按分组给出户数需要“group”问题。</translation>
    </message>
    <message>
        <source>a number, or numbers by group ({&quot;urban&quot;: 412000, …}), is needed.</source>
        <translation>需要一个数字，或按分组给出的数字（{&quot;urban&quot;: 412000, …}）。</translation>
    </message>
    <message>
        <source>years after the base year, in ascending order, are needed.</source>
        <translation>需要晚于基准年、按升序排列的年份。</translation>
    </message>
    <message>
        <source>scenarios need a base year.</source>
        <translation>情景需要基准年。</translation>
    </message>
    <message>
        <source>scenarios need forecast years.</source>
        <translation>情景需要预测年份。</translation>
    </message>
    <message>
        <source>scenarios need the grid&apos;s emission factor (kgCO2/kWh).</source>
        <translation>情景需要电网排放因子（千克二氧化碳/千瓦时）。</translation>
    </message>
    <message>
        <source>at least one service is needed.</source>
        <translation>至少需要一项服务。</translation>
    </message>
    <message>
        <source>the answers that mean interest are needed.</source>
        <translation>需要列出表示有意向的答案。</translation>
    </message>
    <message>
        <source>analysis.json is not a JSON object (%1, at byte %2).</source>
        <translation>analysis.json 不是 JSON 对象（%1，位于第 %2 字节）。</translation>
    </message>
    <message>
        <source>the spec has neither “household” nor “enterprise”.</source>
        <translation>分析规格中既没有“household”也没有“enterprise”。</translation>
    </message>
</context>
<context>
    <name>StateBadge</name>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>已更正</translation>
    </message>
    <message>
        <source>Has issues</source>
        <translation>有问题</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <source>Cannot create the data folder %1. Choose a folder the app may write to.</source>
        <translation>无法创建数据文件夹 %1。请选择一个本应用可以写入的文件夹。</translation>
    </message>
    <message>
        <source>Cannot open the database in %1: %2</source>
        <translation>无法打开 %1 中的数据库：%2</translation>
    </message>
    <message>
        <source>The device storage is full, so %1 did not happen. Free some space (delete sent records or other files); everything saved before is kept.</source>
        <translation>设备存储空间已满，因此未能完成%1。请释放一些空间（删除已发送的记录或其他文件）；之前保存的内容都完好保留。</translation>
    </message>
    <message>
        <source>The storage cannot be written, so %1 did not happen. Check that the folder %2 may be written; everything saved before is kept.</source>
        <translation>存储无法写入，因此未能完成%1。请检查文件夹 %2 是否可写；之前保存的内容都完好保留。</translation>
    </message>
    <message>
        <source>The database in %1 is damaged (%2). Do not delete it: copy the folder and ask for help.</source>
        <translation>%1 中的数据库已损坏（%2）。请不要删除它：复制该文件夹并寻求帮助。</translation>
    </message>
    <message>
        <source>The storage failed while %1: %2. Everything saved before is kept; try again.</source>
        <translation>%1时存储出错：%2。之前保存的内容都完好保留；请重试。</translation>
    </message>
    <message>
        <source>starting to save</source>
        <translation>开始保存</translation>
    </message>
    <message>
        <source>saving failed</source>
        <translation>保存失败</translation>
    </message>
    <message>
        <source>saving</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>reading the database version</source>
        <translation>读取数据库版本</translation>
    </message>
    <message>
        <source>The data in %1 was written by a newer version of the app (database version %2, this app knows %3). Install the newer app; nothing was changed.</source>
        <translation>%1 中的数据由更新版本的应用写入（数据库版本 %2，本应用支持 %3）。请安装新版应用；数据未做任何改动。</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>无法创建文件夹 %1</translation>
    </message>
    <message>
        <source>The device storage is full, so %1 was not saved. Free some space; everything saved before is kept.</source>
        <translation>设备存储空间已满，因此未能保存 %1。请释放一些空间；之前保存的内容都完好保留。</translation>
    </message>
    <message>
        <source>The storage cannot be written, so %1 was not saved.</source>
        <translation>存储无法写入，因此未能保存 %1。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Everything saved before is kept.</source>
        <translation>无法写入 %1：%2。之前保存的内容都完好保留。</translation>
    </message>
    <message>
        <source>The media file name &apos;%1&apos; is not a plain file name.</source>
        <translation>媒体文件名“%1”不是单纯的文件名。</translation>
    </message>
    <message>
        <source>The form cannot be used (line %1, column %2): %3</source>
        <translation>该表单无法使用（第 %1 行，第 %2 列）：%3</translation>
    </message>
    <message>
        <source>Form %1 version %2 is already on this device with different content; a changed form needs a new version.</source>
        <translation>本设备上已有内容不同的表单 %1 版本 %2；修改后的表单需要新的版本号。</translation>
    </message>
    <message>
        <source>adding the form</source>
        <translation>添加表单</translation>
    </message>
    <message>
        <source>saving a media file</source>
        <translation>保存媒体文件</translation>
    </message>
    <message>
        <source>listing forms</source>
        <translation>列出表单</translation>
    </message>
    <message>
        <source>reading a form</source>
        <translation>读取表单</translation>
    </message>
    <message>
        <source>There is no such form on this device.</source>
        <translation>本设备上没有此表单。</translation>
    </message>
    <message>
        <source>The form &apos;%1&apos; is not on this device: add it or sync with the server first.</source>
        <translation>本设备上没有表单“%1”：请先添加它或与服务器同步。</translation>
    </message>
    <message>
        <source>Form &apos;%1&apos; version &apos;%2&apos; is not on this device.</source>
        <translation>本设备上没有表单“%1”的版本“%2”。</translation>
    </message>
    <message>
        <source>reading a form&apos;s media</source>
        <translation>读取表单的媒体文件</translation>
    </message>
    <message>
        <source>A record needs an instanceID.</source>
        <translation>记录必须有 instanceID。</translation>
    </message>
    <message>
        <source>A record %1 already exists, or its form is not on this device.</source>
        <translation>记录 %1 已存在，或其表单不在本设备上。</translation>
    </message>
    <message>
        <source>creating the record</source>
        <translation>创建记录</translation>
    </message>
    <message>
        <source>reading a record</source>
        <translation>读取记录</translation>
    </message>
    <message>
        <source>There is no record %1 on this device.</source>
        <translation>本设备上没有记录 %1。</translation>
    </message>
    <message>
        <source>listing records</source>
        <translation>列出记录</translation>
    </message>
    <message>
        <source>Record %1 is %2 and cannot become %3.</source>
        <translation>记录 %1 的状态为 %2，不能变为 %3。</translation>
    </message>
    <message>
        <source>changing the record&apos;s state</source>
        <translation>更改记录状态</translation>
    </message>
    <message>
        <source>saving the answer</source>
        <translation>保存答案</translation>
    </message>
    <message>
        <source>Record %1 is %2: only a draft can be changed.</source>
        <translation>记录 %1 的状态为 %2：只有草稿可以修改。</translation>
    </message>
    <message>
        <source>finalizing the record</source>
        <translation>定稿记录</translation>
    </message>
    <message>
        <source>reopening the record</source>
        <translation>重新打开记录</translation>
    </message>
    <message>
        <source>marking the record sent</source>
        <translation>将记录标记为已发送</translation>
    </message>
    <message>
        <source>storing a returned record</source>
        <translation>保存退回的记录</translation>
    </message>
    <message>
        <source>reopening the returned record</source>
        <translation>重新打开退回的记录</translation>
    </message>
    <message>
        <source>Record %1 is %2: only sent records can be removed.</source>
        <translation>记录 %1 的状态为 %2：只有已发送的记录可以删除。</translation>
    </message>
    <message>
        <source>removing the record</source>
        <translation>删除记录</translation>
    </message>
    <message>
        <source>The file name &apos;%1&apos; is not a plain file name.</source>
        <translation>文件名“%1”不是单纯的文件名。</translation>
    </message>
    <message>
        <source>Record %1 is %2: only a draft can take files.</source>
        <translation>记录 %1 的状态为 %2：只有草稿可以添加文件。</translation>
    </message>
    <message>
        <source>saving the file</source>
        <translation>保存文件</translation>
    </message>
    <message>
        <source>listing a record&apos;s files</source>
        <translation>列出记录的文件</translation>
    </message>
    <message>
        <source>reading the outbox</source>
        <translation>读取待发送队列</translation>
    </message>
    <message>
        <source>noting the failed send</source>
        <translation>记录发送失败</translation>
    </message>
    <message>
        <source>writing the sync log</source>
        <translation>写入同步日志</translation>
    </message>
    <message>
        <source>reading the sync log</source>
        <translation>读取同步日志</translation>
    </message>
    <message>
        <source>saving a setting</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Record %1 is %2: only a returned record is corrected.</source>
        <translation>记录 %1 的状态为 %2：只有退回的记录可以更正。</translation>
    </message>
    <message>
        <source>The returned record %1 does not fit its form: %2</source>
        <translation>退回的记录 %1 与其表单不符：%2</translation>
    </message>
    <message>
        <source>The form of record %1 has no meta/instanceID to give the correction.</source>
        <translation>记录 %1 的表单没有 meta/instanceID，无法为更正赋予新的编号。</translation>
    </message>
    <message>
        <source>opening the data</source>
        <translation>打开数据</translation>
    </message>
    <message>
        <source>Record %1 is being sent right now; open it again when sending has finished.</source>
        <translation>记录 %1 正在发送；请在发送完成后再打开。</translation>
    </message>
    <message>
        <source>preparing to send</source>
        <translation>准备发送</translation>
    </message>
    <message>
        <source>The file %1 that an answer names is missing from this record: take or choose it again, then finalize.</source>
        <translation>答案中提到的文件 %1 不在这条记录里：请重新拍摄或选择它，然后再定稿。</translation>
    </message>
</context>
<context>
    <name>StoreCommands</name>
    <message>
        <source>usage: %1
</source>
        <translation>用法：%1
</translation>
    </message>
    <message>
        <source>error: %1
</source>
        <translation>错误：%1
</translation>
    </message>
    <message>
        <source>error: the stored form cannot be loaded (line %1, column %2): %3
</source>
        <translation>错误：无法加载已保存的表单（第 %1 行，第 %2 列）：%3
</translation>
    </message>
    <message>
        <source>%1: error: cannot read the form: %2
</source>
        <translation>%1：错误：无法读取表单：%2
</translation>
    </message>
    <message>
        <source>%1: error: cannot read the media file: %2
</source>
        <translation>%1：错误：无法读取媒体文件：%2
</translation>
    </message>
    <message numerus="yes">
        <source>form %1 version %2 (%3), %n media file(s)
</source>
        <translation>
            <numerusform>表单 %1 版本 %2（%3），%n 个媒体文件
</numerusform>
        </translation>
    </message>
    <message>
        <source>warning: the form has no language &apos;%1&apos;
</source>
        <translation>警告：表单中没有语言“%1”
</translation>
    </message>
    <message>
        <source>%1: error: cannot read the file: %2
</source>
        <translation>%1：错误：无法读取文件：%2
</translation>
    </message>
    <message>
        <source>%1 is saved as a draft; it cannot be finalized yet:
</source>
        <translation>%1 已保存为草稿；目前还不能定稿：
</translation>
    </message>
    <message>
        <source>instanceID: %1
</source>
        <translation>instanceID：%1
</translation>
    </message>
    <message>
        <source>form: %1 version %2
</source>
        <translation>表单：%1 版本 %2
</translation>
    </message>
    <message>
        <source>state: %1
</source>
        <translation>状态：%1
</translation>
    </message>
    <message>
        <source>name: %1
</source>
        <translation>名称：%1
</translation>
    </message>
    <message>
        <source>updated: %1
</source>
        <translation>更新时间：%1
</translation>
    </message>
    <message>
        <source>corrects: %1
</source>
        <translation>更正：%1
</translation>
    </message>
    <message>
        <source>review: %1
</source>
        <translation>审核：%1
</translation>
    </message>
    <message>
        <source>comment from %1 at %2: %3
</source>
        <translation>%1 于 %2 的意见：%3
</translation>
    </message>
    <message>
        <source>file: %1 (%2 bytes, sha256 %3)
</source>
        <translation>文件：%1（%2 字节，sha256 %3）
</translation>
    </message>
    <message>
        <source>error: record %1 is %2; only a draft can be finalized
</source>
        <translation>错误：记录 %1 的状态为 %2；只有草稿可以定稿
</translation>
    </message>
    <message>
        <source>error: the draft cannot be reopened: %1
</source>
        <translation>错误：无法重新打开草稿：%1
</translation>
    </message>
    <message>
        <source>the file %1 that this answer names is not kept with the record</source>
        <translation>这个答案提到的文件 %1 没有保存在记录中</translation>
    </message>
    <message>
        <source>the file %1 does not exist</source>
        <translation>文件 %1 不存在</translation>
    </message>
    <message>
        <source>flagged %1 by %2: %3
</source>
        <translation>%2 标记了 %1：%3
</translation>
    </message>
</context>
<context>
    <name>StoreSource</name>
    <message>
        <source>The form “%1” is not on this device: download it first.</source>
        <translation>本设备上没有问卷“%1”：请先下载。</translation>
    </message>
    <message>
        <source>The form “%1” cannot be read: line %2: %3</source>
        <translation>无法读取问卷“%1”：第 %2 行：%3</translation>
    </message>
    <message>
        <source>The form&apos;s analysis.json cannot be read: %1</source>
        <translation>无法读取问卷的 analysis.json：%1</translation>
    </message>
</context>
<context>
    <name>SubmissionPage</name>
    <message>
        <source>Saved. It goes to the server with the next Send and receive.</source>
        <translation>已保存。下次“发送和接收”时会发送到服务器。</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>By %1 on device %2</source>
        <translation>由 %1 在设备 %2 上提交</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>（未知）</translation>
    </message>
    <message>
        <source>Interview %1 – %2</source>
        <translation>访问时间 %1 – %2</translation>
    </message>
    <message>
        <source>Received %1</source>
        <translation>接收于 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n version(s)</source>
        <translation>
            <numerusform>%n 个版本</numerusform>
        </translation>
    </message>
    <message>
        <source>Your decision (%1) is waiting to be sent.</source>
        <translation>您的决定（%1）等待发送。</translation>
    </message>
    <message>
        <source>Your decision (%1) was not applied: %2. Below is the submission as it is now; decide again.</source>
        <translation>您的决定（%1）未生效：%2。下面是这份提交的当前内容；请重新作出决定。</translation>
    </message>
    <message>
        <source>No answer changed since the version of %1.</source>
        <translation>自 %1 的版本以来没有答案改动。</translation>
    </message>
    <message>
        <source>Changed since the version of %1:</source>
        <translation>自 %1 的版本以来的改动：</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <extracomment>A changed answer: question, old value → new value</extracomment>
        <translation>%1：%2 → %3</translation>
    </message>
    <message>
        <source>(no answer)</source>
        <translation>（无答案）</translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1，%2：%3</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Send back (%1)</source>
        <translation>退回（%1）</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Interview started %1</source>
        <translation>访问开始于 %1</translation>
    </message>
    <message>
        <source> (computed by the form)</source>
        <translation>（由表单计算）</translation>
    </message>
</context>
<context>
    <name>SubmissionRow</name>
    <message>
        <source>%1 (not downloaded yet)</source>
        <translation>%1（尚未下载）</translation>
    </message>
    <message>
        <source>Computed by the form</source>
        <translation>由表单计算</translation>
    </message>
    <message>
        <source>Flagged when sent back: %1</source>
        <translation>退回时的标记：%1</translation>
    </message>
    <message>
        <source>Note for the enumerator</source>
        <translation>给调查员的说明</translation>
    </message>
    <message>
        <source>Remove the flag</source>
        <translation>取消标记</translation>
    </message>
    <message>
        <source>Flag this answer for the enumerator</source>
        <translation>标记此答案，提示调查员核实</translation>
    </message>
</context>
<context>
    <name>SubmissionView</name>
    <message>
        <source>%1, %2 (±%3 m)</source>
        <translation>%1，%2（±%3 米）</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <source>Form %1 version %2 is not on this device: Send / receive to get it.</source>
        <translation>本设备上没有表单 %1 的版本 %2：请“发送和接收”以获取。</translation>
    </message>
    <message>
        <source>The form of this submission cannot be loaded: %1</source>
        <translation>无法加载这份提交的表单：%1</translation>
    </message>
    <message>
        <source>This submission does not fit its form: %1</source>
        <translation>这份提交与其表单不符：%1</translation>
    </message>
    <message>
        <source>This submission cannot be read.</source>
        <translation>无法读取这份提交。</translation>
    </message>
</context>
<context>
    <name>SurveyCli</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>usage: survey-cli xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME] [--warnings-json FILE]</source>
        <translation>用法：survey-cli xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME] [--warnings-json FILE]</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>usage: survey-cli analyse FORM_ID --data DIR [--spec FILE] [--approved-only] (--json | --csv DIR | --pdf FILE)</source>
        <translation>用法：survey-cli analyse FORM_ID --data DIR [--spec FILE] [--approved-only] (--json | --csv DIR | --pdf FILE)</translation>
    </message>
    <message>
        <source>error: %1 cannot be read: %2</source>
        <translation>错误：无法读取 %1：%2</translation>
    </message>
    <message>
        <source>error: %1 is larger than the 1 MB a spec may have.</source>
        <translation>错误：%1 超过了分析规格允许的 1 MB。</translation>
    </message>
    <message>
        <source>usage: survey-cli COMMAND ...
  validate FORM.xml                  check that a form loads; print a summary
  xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME]
                                     convert an XLSForm to an XForm; warnings on stderr
  inspect FORM.xml --json            the form&apos;s questions as JSON
  fill FORM.xml --answers FILE.json [--lang LANG] [--media DIR]
                                     fill a form and print the submission XML
  xpath DOC.xml [--context PATH] [--ns P=URI]... [--type T] (EXPR | --batch)
                                     evaluate XPath against any XML document
  form add --data DIR FILE.xml [--media MEDIA_DIR]
                                     add a form to the device store at DIR
  form list --data DIR               the forms in the store
  new --data DIR FORM_ID --answers A.json [--finalize] [--lang LANG]
                                     create a record; prints its instanceID
  store --data DIR list [--json]     the records in the store
  store --data DIR show INSTANCE_ID  one record: state, comments, files, XML
  store --data DIR finalize INSTANCE_ID
                                     check a draft and queue it for sending
  store --data DIR correct INSTANCE_ID [--answers A.json] [--finalize]
                                     reopen a returned record as a correction
  store --data DIR log [INSTANCE_ID] the sync log, newest first
  sync --data DIR --server URL --user NAME [--password-stdin]
                                     pull forms, send finalized records, pull
                                     returned ones; ends with &apos;sent N, failed M,
                                     returned K&apos; (decisions sent count in N, M)
  review --data DIR pull --server URL --user NAME [--password-stdin]
                                     a supervisor&apos;s pull of the team&apos;s submissions;
                                     ends with &apos;pulled N, failed M&apos;
  review --data DIR list [--json] | show ID [--lang LANG] | decisions [--json]
                                     the pulled submissions, one of them, the decisions
  review --data DIR approve ID [--comment TEXT] | return ID --comment TEXT
         [--flag PATH=NOTE]... | reject ID --comment TEXT
                                     decide offline; the next sync sends it
  analyse FORM_ID --data DIR [--spec FILE] [--approved-only]
          (--json | --csv DIR | --pdf FILE)
                                     summaries of the records and pulled submissions;
                                     with a spec, the baseline and forecast or demand
</source>
        <translation>用法：survey-cli COMMAND ...
  validate FORM.xml                  检查表单能否加载，并输出摘要
  xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME]
                                     把 XLSForm 转换为 XForm；警告写到标准错误
  inspect FORM.xml --json            以 JSON 格式输出表单的问题
  fill FORM.xml --answers FILE.json [--lang LANG] [--media DIR]
                                     填写表单并输出提交的 XML
  xpath DOC.xml [--context PATH] [--ns P=URI]... [--type T] (EXPR | --batch)
                                     对任意 XML 文档求值 XPath 表达式
  form add --data DIR FILE.xml [--media MEDIA_DIR]
                                     将表单添加到 DIR 处的设备存储
  form list --data DIR               列出存储中的表单
  new --data DIR FORM_ID --answers A.json [--finalize] [--lang LANG]
                                     创建一条记录；输出其 instanceID
  store --data DIR list [--json]     列出存储中的记录
  store --data DIR show INSTANCE_ID  显示一条记录：状态、意见、文件、XML
  store --data DIR finalize INSTANCE_ID
                                     检查草稿并将其排入发送队列
  store --data DIR correct INSTANCE_ID [--answers A.json] [--finalize]
                                     将退回的记录重新打开以便更正
  store --data DIR log [INSTANCE_ID] 同步日志，最新的在前
  sync --data DIR --server URL --user NAME [--password-stdin]
                                     下载表单、发送已定稿的记录、获取退回的
                                     记录；最后一行为 &apos;sent N, failed M,
                                     returned K&apos;（已发送的审核决定计入 N、M）
  review --data DIR pull --server URL --user NAME [--password-stdin]
                                     督导员下载本组的提交；最后一行为
                                     &apos;pulled N, failed M&apos;
  review --data DIR list [--json] | show ID [--lang LANG] | decisions [--json]
                                     已下载的提交、其中一份、审核决定
  review --data DIR approve ID [--comment TEXT] | return ID --comment TEXT
         [--flag PATH=NOTE]... | reject ID --comment TEXT
                                     离线作出审核决定；下次同步时发送
  analyse FORM_ID --data DIR [--spec FILE] [--approved-only]
          (--json | --csv DIR | --pdf FILE)
                                     本设备记录和已下载提交的汇总；有分析规格时，
                                     另给出基线与预测或需求分析
</translation>
    </message>
    <message>
        <source>approved submissions only</source>
        <translation>仅已通过的提交</translation>
    </message>
</context>
<context>
    <name>SurveySync</name>
    <message>
        <source>the database %1 is not set up: run survey-sync init first</source>
        <translation>数据库 %1 尚未初始化：请先运行 survey-sync init</translation>
    </message>
    <message>
        <source>created %1 with project 1 and admin %2
</source>
        <translation>已创建 %1，包含项目 1 和管理员 %2
</translation>
    </message>
    <message>
        <source>added %1 (%2, project %3)
</source>
        <translation>已添加 %1（%2，项目 %3）
</translation>
    </message>
    <message>
        <source>disabled %1
</source>
        <translation>已停用 %1
</translation>
    </message>
    <message>
        <source>%1 version %2 is already published; nothing changed
</source>
        <translation>%1 的版本 %2 已发布；未做任何更改
</translation>
    </message>
    <message numerus="yes">
        <source>published %1 version %2 (&quot;%3&quot;, %n media file(s)) in project %4
</source>
        <translation>
            <numerusform>已在项目 %4 中发布 %1 的版本 %2（&quot;%3&quot;，%n 个媒体文件）
</numerusform>
        </translation>
    </message>
    <message>
        <source>--listen needs HOST:PORT, not &apos;%1&apos;</source>
        <translation>--listen 需要 HOST:PORT 格式，而不是 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the server stopped unexpectedly</source>
        <translation>服务器意外停止</translation>
    </message>
    <message>
        <source>TLS needs both a certificate (--tls-cert) and its key (--tls-key)</source>
        <translation>TLS 需要证书（--tls-cert）及其私钥（--tls-key）两者</translation>
    </message>
    <message>
        <source>passwords must not cross the network in clear: give --tls-cert and --tls-key, or start with --insecure-http only on loopback or behind a TLS proxy</source>
        <translation>密码不得以明文在网络上传输：请提供 --tls-cert 和 --tls-key，或仅在回环地址或 TLS 代理之后使用 --insecure-http 启动</translation>
    </message>
    <message>
        <source>the data folder %1 cannot be created or written to</source>
        <translation>无法创建或写入数据文件夹 %1</translation>
    </message>
    <message>
        <source>enabled %1
</source>
        <translation>已启用 %1
</translation>
    </message>
    <message>
        <source>added project %1 (%2)
</source>
        <translation>已添加项目 %1（%2）
</translation>
    </message>
    <message>
        <source>--insecure-http on %1 would send passwords across the network in clear: listen on 127.0.0.1 behind a TLS proxy, give --tls-cert and --tls-key, or add --allow-insecure-remote if this network is really private</source>
        <translation>在 %1 上使用 --insecure-http 会让密码以明文在网络上传输：请在 TLS 代理后面监听 127.0.0.1，或提供 --tls-cert 和 --tls-key；如果该网络确实是私有的，可加上 --allow-insecure-remote</translation>
    </message>
    <message>
        <source>survey-sync: warning: serving plain HTTP on %1: passwords and answers cross the network unencrypted</source>
        <translation>survey-sync：警告：在 %1 上提供明文 HTTP 服务：密码和答案未加密地在网络上传输</translation>
    </message>
    <message>
        <source>usage: survey-sync COMMAND ...
  init --db URL --admin NAME           create the schema, project 1 and the first admin
                                       (password on standard input)
  project add --db URL NAME            add a project; prints its number
  project list --db URL                number and name (tab-separated)
  user add --db URL NAME --role admin|supervisor|enumerator [--supervisor NAME]
           [--project N]               add a user (password on standard input)
  user disable --db URL NAME           stop a user from signing in
  user enable --db URL NAME            let a disabled user sign in again
  user list --db URL                   name, role, project, supervisor, status
  form publish --db URL FILE.(xml|xlsx) [--project N] [--media DIR]
                                       check a form with the engine and publish it
                                       (an XLSForm is converted, and kept)
  serve --db URL --listen HOST:PORT [--max-body-mb N] [--timeout-s N]
        [--data-dir DIR] [--max-connections-per-address N] [--workers N]
        (--tls-cert CERT.pem --tls-key KEY.pem | --insecure-http
         [--allow-insecure-remote])
                                       serve OpenRosa; prints the base URL when ready
URL: sqlite:PATH (default sqlite:./survey-data/survey.db) or
     postgresql://USER:PASS@HOST:PORT/DB
</source>
        <translation>用法：survey-sync COMMAND ...
  init --db URL --admin NAME           创建数据库结构、项目 1 和第一个管理员
                                       （密码从标准输入读取）
  project add --db URL NAME            添加项目；输出其编号
  project list --db URL                编号和名称（以制表符分隔）
  user add --db URL NAME --role admin|supervisor|enumerator [--supervisor NAME]
           [--project N]               添加用户（密码从标准输入读取）
  user disable --db URL NAME           禁止用户登录
  user enable --db URL NAME            允许被禁用的用户再次登录
  user list --db URL                   名字、角色、项目、督导、状态
  form publish --db URL FILE.(xml|xlsx) [--project N] [--media DIR]
                                       用表单引擎检查表单并发布
                                       （XLSForm 会先转换，原文件一并保存）
  serve --db URL --listen HOST:PORT [--max-body-mb N] [--timeout-s N]
        [--data-dir DIR] [--max-connections-per-address N] [--workers N]
        (--tls-cert CERT.pem --tls-key KEY.pem | --insecure-http
         [--allow-insecure-remote])
                                       提供 OpenRosa 服务；就绪后输出基础网址
URL: sqlite:PATH（默认 sqlite:./survey-data/survey.db）或
     postgresql://USER:PASS@HOST:PORT/DB
</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>警告：%1</translation>
    </message>
</context>
<context>
    <name>SyncClient</name>
    <message>
        <source>The server&apos;s certificate is not trusted (%1). Nothing was sent; check the server address.</source>
        <translation>服务器的证书不受信任（%1）。没有发送任何内容；请检查服务器地址。</translation>
    </message>
    <message>
        <source>The server did not answer in time; it will be tried again.</source>
        <translation>服务器未及时响应；稍后会重试。</translation>
    </message>
    <message>
        <source>No connection to the server (%1); it will be tried again when the network is back.</source>
        <translation>无法连接服务器（%1）；网络恢复后会重试。</translation>
    </message>
    <message>
        <source>Something other than the survey server answered (HTTP %1): a Wi-Fi login page or a proxy. Sign in to the network in a web browser, then send again. Nothing was lost.</source>
        <translation>应答的不是调查服务器（HTTP %1），而是 Wi-Fi 登录页面或代理。请先在浏览器中登录网络，然后再发送。没有丢失任何数据。</translation>
    </message>
    <message>
        <source>The server refused the user name or password. Check them and sign in again.</source>
        <translation>服务器拒绝了用户名或密码。请检查后重新登录。</translation>
    </message>
    <message>
        <source>The server could not take it now (HTTP %1%2); it will be tried again.</source>
        <translation>服务器目前无法接收（HTTP %1%2）；稍后会重试。</translation>
    </message>
    <message>
        <source>This account may not do this on the server (HTTP 403%1).</source>
        <translation>此账户无权在服务器上执行此操作（HTTP 403%1）。</translation>
    </message>
    <message>
        <source>The server does not know this form or address (HTTP 404%1).</source>
        <translation>服务器上没有此表单或地址（HTTP 404%1）。</translation>
    </message>
    <message>
        <source>The server refused the record as it stands (HTTP 409%1).</source>
        <translation>服务器拒绝接收该记录的当前内容（HTTP 409%1）。</translation>
    </message>
    <message>
        <source>The record is larger than the server accepts (HTTP 413%1).</source>
        <translation>该记录超过了服务器接受的大小（HTTP 413%1）。</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1%2).</source>
        <translation>服务器拒绝了请求（HTTP %1%2）。</translation>
    </message>
    <message>
        <source>Sending was stopped; it will continue next time.</source>
        <translation>发送已停止；下次会继续。</translation>
    </message>
    <message>
        <source>The file %1 (%2 MB) is larger than the server accepts (%3 MB); the record was not sent.</source>
        <translation>文件 %1（%2 MB）超过了服务器接受的大小（%3 MB）；该记录未发送。</translation>
    </message>
    <message>
        <source>Sent to %1.</source>
        <translation>已发送到 %1。</translation>
    </message>
    <message>
        <source>Sent back for correction: %1</source>
        <translation>已退回修改：%1</translation>
    </message>
    <message>
        <source>(no comment)</source>
        <translation>（无意见）</translation>
    </message>
    <message>
        <source>The forms could not be updated: %1</source>
        <translation>无法更新表单：%1</translation>
    </message>
    <message>
        <source>The server&apos;s form list is not readable (%1); the forms were not updated.</source>
        <translation>服务器的表单列表无法读取（%1）；表单未更新。</translation>
    </message>
    <message>
        <source>Form %1 version %2 changed on the server without a new version; the copy on this device is kept.</source>
        <translation>表单 %1 的版本 %2 在服务器上被修改但没有更新版本号；保留本设备上的副本。</translation>
    </message>
    <message>
        <source>Form %1 could not be downloaded: %2</source>
        <translation>无法下载表单 %1：%2</translation>
    </message>
    <message>
        <source>its content does not match the server&apos;s hash</source>
        <translation>其内容与服务器给出的哈希值不符</translation>
    </message>
    <message>
        <source>Form %1 cannot be used here: %2</source>
        <translation>表单 %1 无法在此使用：%2</translation>
    </message>
    <message>
        <source>The media list of form %1 could not be downloaded: %2</source>
        <translation>无法下载表单 %1 的媒体文件列表：%2</translation>
    </message>
    <message>
        <source>Form %1 lists a media file with an unsafe name (&apos;%2&apos;); it was not downloaded.</source>
        <translation>表单 %1 列出的媒体文件名不安全（“%2”）；未下载该文件。</translation>
    </message>
    <message>
        <source>Media file %1 of form %2 could not be downloaded: %3</source>
        <translation>无法下载表单 %2 的媒体文件 %1：%3</translation>
    </message>
    <message>
        <source>Returned records could not be fetched: %1</source>
        <translation>无法获取退回的记录：%1</translation>
    </message>
    <message>
        <source>Returned record %1 needs form %2 version %3, which is not on this device.</source>
        <translation>退回的记录 %1 需要表单 %2 的版本 %3，但本设备上没有该版本。</translation>
    </message>
    <message>
        <source>No password is saved for this account; sign in again.</source>
        <translation>此账户没有保存密码；请重新登录。</translation>
    </message>
    <message>
        <source>The password keystore refused (%1).</source>
        <translation>密码库拒绝了请求（%1）。</translation>
    </message>
    <message>
        <source>The file %1 of this record cannot be read on this device; the record was not sent. Take or attach the file again.</source>
        <translation>本设备无法读取该记录的文件 %1；该记录未发送。请重新拍摄或添加该文件。</translation>
    </message>
    <message>
        <source>The server&apos;s list of returned records is not readable (%1).</source>
        <translation>服务器返回的退回记录列表无法读取（%1）。</translation>
    </message>
    <message>
        <source>The server listed a returned record without its instanceId or formId; it was skipped.</source>
        <translation>服务器列出的一条退回记录缺少 instanceId 或 formId；已跳过。</translation>
    </message>
    <message>
        <source>The server refused the sign-in, saying: %1. Check the server address, user name and password, then sign in again.</source>
        <translation>服务器拒绝了登录，原因是：%1。请检查服务器地址、用户名和密码，然后重新登录。</translation>
    </message>
    <message>
        <source>This device has no password keystore (%1).</source>
        <translation>这台设备没有密码库（%1）。</translation>
    </message>
    <message>
        <source>Form downloaded: %1</source>
        <translation>已下载表单：%1</translation>
    </message>
    <message>
        <source>Form downloaded: %1 (version %2)</source>
        <translation>已下载表单：%1（版本 %2）</translation>
    </message>
    <message>
        <source>Could not find out who is signed in: %1</source>
        <translation>无法确认登录的账户：%1</translation>
    </message>
    <message>
        <source>%1 is not a supervisor or an admin on this server, so there is nothing to review.</source>
        <translation>%1 在此服务器上不是督导员或管理员，没有需要审核的内容。</translation>
    </message>
    <message>
        <source>The team could not be fetched: %1</source>
        <translation>无法获取团队信息：%1</translation>
    </message>
    <message>
        <source>Submissions for review could not be fetched: %1</source>
        <translation>无法获取待审核的提交：%1</translation>
    </message>
    <message>
        <source>The server&apos;s list of submissions for review is not readable.</source>
        <translation>服务器返回的待审核提交列表无法读取。</translation>
    </message>
    <message>
        <source>Form %1 version %2 could not be downloaded: %3</source>
        <translation>无法下载表单 %1 的版本 %2：%3</translation>
    </message>
    <message>
        <source>Form %1 version %2 could not be kept: %3</source>
        <translation>无法保存表单 %1 的版本 %2：%3</translation>
    </message>
    <message>
        <source>%1 of submission %2 could not be downloaded: %3</source>
        <translation>提交 %2 的 %1 无法下载：%3</translation>
    </message>
    <message>
        <source>Your decision on %1 was not applied: %2</source>
        <translation>您对 %1 的决定未生效：%2</translation>
    </message>
    <message>
        <source>Your decision on %1 is not sent yet: %2</source>
        <translation>您对 %1 的决定尚未发送：%2</translation>
    </message>
    <message>
        <source>The server listed a submission for review without its instanceId, form or time; it was skipped.</source>
        <translation>服务器列出的一份待审核提交缺少 instanceId、表单或时间，已跳过。</translation>
    </message>
    <message>
        <source>The server gave form %1 version %2 when asked for form %3 version %4.</source>
        <translation>请求表单 %3 版本 %4 时，服务器给出的是表单 %1 版本 %2。</translation>
    </message>
</context>
<context>
    <name>SyncCommand</name>
    <message>
        <source>usage: %1
</source>
        <translation>用法：%1
</translation>
    </message>
    <message>
        <source>error: no password: give it on standard input with --password-stdin, or in SURVEY_PASSWORD
</source>
        <translation>错误：没有密码：请用 --password-stdin 从标准输入提供，或设置 SURVEY_PASSWORD
</translation>
    </message>
    <message>
        <source>error: %1
</source>
        <translation>错误：%1
</translation>
    </message>
    <message>
        <source>error: no password: %1
</source>
        <translation>错误：没有密码：%1
</translation>
    </message>
    <message>
        <source>error: no password: %1 Give it each time with --password-stdin, or in SURVEY_PASSWORD.
</source>
        <translation>错误：没有密码：%1 请每次用 --password-stdin 或在 SURVEY_PASSWORD 中提供密码。
</translation>
    </message>
</context>
<context>
    <name>SyncLogPage</name>
    <message>
        <source>Sync log</source>
        <translation>同步日志</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Nothing sent yet.</source>
        <translation>还没有发送过。</translation>
    </message>
    <message>
        <source>%1 (correction)</source>
        <translation>%1（更正）</translation>
    </message>
</context>
<context>
    <name>TargetProgress</name>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1：%2 / %3</translation>
    </message>
</context>
<context>
    <name>TeamPage</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <source>Send and receive to download your team.</source>
        <translation>点击“发送和接收”下载团队信息。</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <source>Last synced %1</source>
        <translation>上次同步 %1</translation>
    </message>
    <message>
        <source>Today %1 · This week %2 · In all %3</source>
        <translation>今天 %1 · 本周 %2 · 共 %3</translation>
    </message>
    <message>
        <source>Waiting for review %1 · Sent back %2 · Approved %3</source>
        <translation>待审核 %1 · 已退回 %2 · 已通过 %3</translation>
    </message>
</context>
<context>
    <name>TextAnswer</name>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation>时:分（HH:MM）</translation>
    </message>
    <message>
        <source>latitude longitude</source>
        <translation>纬度 经度</translation>
    </message>
    <message>
        <source>latitude longitude; latitude longitude; …</source>
        <translation>纬度 经度; 纬度 经度; …</translation>
    </message>
    <message>
        <source>Type the code</source>
        <translation>输入编码</translation>
    </message>
</context>
<context>
    <name>TextSummary</name>
    <message numerus="yes">
        <source>%1: %n answered</source>
        <translation>
            <numerusform>%1：%n 个已回答</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tr</name>
    <message>
        <source>a tag without a name</source>
        <translation>标签没有名称</translation>
    </message>
</context>
<context>
    <name>UnsupportedAnswer</name>
    <message>
        <source>This app cannot answer this kind of question (%1 of type %2). Skip it, and tell the form&apos;s author.</source>
        <translation>本应用无法回答这类题目（%1，类型 %2）。请跳过此题，并告知表单的作者。</translation>
    </message>
</context>
<context>
    <name>UploadAnswer</name>
    <message>
        <source>Take a photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>Take again</source>
        <translation>重新拍摄</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Replace…</source>
        <translation>替换…</translation>
    </message>
</context>
<context>
    <name>XPathCommand</name>
    <message>
        <source>unknown result type &apos;%1&apos; (use any, boolean, number, string or nodeset)</source>
        <translation>未知的结果类型 &apos;%1&apos;（请使用 any、boolean、number、string 或 nodeset）</translation>
    </message>
    <message>
        <source>context path: %1</source>
        <translation>上下文路径：%1</translation>
    </message>
    <message>
        <source>context path &apos;%1&apos; does not select exactly one node</source>
        <translation>上下文路径 &apos;%1&apos; 必须恰好选中一个节点</translation>
    </message>
    <message>
        <source>at character %1: %2</source>
        <translation>第 %1 个字符处：%2</translation>
    </message>
    <message>
        <source>the result is a %1, not a node-set</source>
        <translation>结果是 %1 类型，而不是节点集</translation>
    </message>
    <message>
        <source>usage: survey-cli xpath DOC.xml [--context PATH] [--ns PREFIX=URI]... [--type any|boolean|number|string|nodeset] (EXPR | --batch)
</source>
        <translation>用法：survey-cli xpath DOC.xml [--context PATH] [--ns PREFIX=URI]... [--type any|boolean|number|string|nodeset] (EXPR | --batch)
</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>not a JSON object: %1</source>
        <translation>不是 JSON 对象：%1</translation>
    </message>
    <message>
        <source>&quot;expr&quot; is missing</source>
        <translation>缺少 &quot;expr&quot;</translation>
    </message>
</context>
<context>
    <name>XlsForm</name>
    <message>
        <source>The parameters must be written as &apos;key1=value1 key2=value2&apos;.</source>
        <translation>参数必须写成 &apos;key1=value1 key2=value2&apos; 的形式。</translation>
    </message>
    <message>
        <source>The columns &apos;%1&apos; and &apos;%2&apos; are two names for the same column. Rename or remove one of them.</source>
        <translation>列 &apos;%1&apos; 和 &apos;%2&apos; 是同一列的两个名称。请重命名或删除其中一列。</translation>
    </message>
    <message>
        <source>A value is in a column without a header. Add the header row the XLSForm template has, or remove the value.</source>
        <translation>有一个值位于没有列标题的列中。请按 XLSForm 模板添加列标题行，或删除该值。</translation>
    </message>
    <message>
        <source>There is no &apos;settings&apos; sheet, but there are sheets with similar names: %1. To keep a sheet out of the form without this warning, start its name with &apos;_&apos;.</source>
        <translation>没有 &apos;settings&apos; 工作表，但有名称相近的工作表：%1。如果某个工作表不属于表单，又不想看到此警告，请让它的名称以 &apos;_&apos; 开头。</translation>
    </message>
    <message>
        <source>The settings sheet has both &apos;form_id&apos; and &apos;id_string&apos;; &apos;form_id&apos; is used. Keep only one of them.</source>
        <translation>settings 工作表中同时有 &apos;form_id&apos; 和 &apos;id_string&apos;；将使用 &apos;form_id&apos;。请只保留其中一个。</translation>
    </message>
    <message>
        <source>The instanceID cannot be left out of an encrypted form (one with a public_key).</source>
        <translation>加密表单（带有 public_key 的表单）不能省略 instanceID。</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</source>
        <translation>名称 &apos;%1&apos; 无效：名称必须以字母或下划线开头，其后只能包含字母、数字、下划线、连字符或句点。</translation>
    </message>
    <message>
        <source>The &apos;%1&apos; sheet has no &apos;name&apos; column. Its columns must include &apos;list_name&apos;, &apos;name&apos; and &apos;label&apos;.</source>
        <translation>&apos;%1&apos; 工作表中没有 &apos;name&apos; 列。它的列必须包括 &apos;list_name&apos;、&apos;name&apos; 和 &apos;label&apos;。</translation>
    </message>
    <message>
        <source>A choice has no name. Every choice needs a name.</source>
        <translation>有一个选项没有名称。每个选项都必须有名称。</translation>
    </message>
    <message>
        <source>The choice name &apos;%1&apos; is already in the list &apos;%2&apos;. Choice names must be unique within a list; to allow this, use the setting &apos;allow_choice_duplicates&apos;.</source>
        <translation>选项名称 &apos;%1&apos; 已存在于列表 &apos;%2&apos; 中。同一列表内的选项名称必须唯一；如需允许重复，请使用设置 &apos;allow_choice_duplicates&apos;。</translation>
    </message>
    <message>
        <source>The choice &apos;%1&apos; has no label. Choices should have a label.</source>
        <translation>选项 &apos;%1&apos; 没有标签。选项应当有标签。</translation>
    </message>
    <message>
        <source>The reference &apos;%1&apos; is not valid: a reference is &apos;${&apos;, then a question name, then &apos;}&apos;.</source>
        <translation>引用 &apos;%1&apos; 无效：引用的写法是 &apos;${&apos;，后接问题名称，再接 &apos;}&apos;。</translation>
    </message>
    <message>
        <source>The reference ${%1} names no question: there is no &apos;%1&apos; in the &apos;name&apos; column of the &apos;survey&apos; sheet.</source>
        <translation>引用 ${%1} 没有指向任何问题：&apos;survey&apos; 工作表的 &apos;name&apos; 列中没有 &apos;%1&apos;。</translation>
    </message>
    <message>
        <source>The reference ${%1} is ambiguous: the name &apos;%1&apos; is used more than once in the survey. Names used in references must be unique in the whole form.</source>
        <translation>引用 ${%1} 有歧义：名称 &apos;%1&apos; 在表单中使用了不止一次。引用中用到的名称在整个表单中必须唯一。</translation>
    </message>
    <message>
        <source>The form has no sheet named &apos;survey&apos;.</source>
        <translation>表单中没有名为 &apos;survey&apos; 的工作表。</translation>
    </message>
    <message>
        <source>The form has no sheet named &apos;survey&apos;. Sheets with similar names: %1.</source>
        <translation>表单中没有名为 &apos;survey&apos; 的工作表。名称相近的工作表：%1。</translation>
    </message>
    <message>
        <source>The &apos;survey&apos; sheet has no &apos;type&apos; column.</source>
        <translation>&apos;survey&apos; 工作表中没有 &apos;type&apos; 列。</translation>
    </message>
    <message>
        <source>The &apos;disabled&apos; column is not part of XLSForm; use &apos;relevant&apos; instead.</source>
        <translation>&apos;disabled&apos; 列不属于 XLSForm；请改用 &apos;relevant&apos;。</translation>
    </message>
    <message>
        <source>The row has no type.</source>
        <translation>该行没有类型。</translation>
    </message>
    <message>
        <source>The row has no type, name or label and is left out.</source>
        <translation>该行没有类型、名称或标签，已被忽略。</translation>
    </message>
    <message>
        <source>The trigger names several questions without commas between them. Separate them with commas.</source>
        <translation>触发器中列出了多个问题，但它们之间没有逗号。请用逗号分隔。</translation>
    </message>
    <message>
        <source>The trigger &apos;%1&apos; is not valid: a reference is &apos;${&apos;, then a question name, then &apos;}&apos;.</source>
        <translation>触发器 &apos;%1&apos; 无效：引用的写法是 &apos;${&apos;，后接问题名称，再接 &apos;}&apos;。</translation>
    </message>
    <message>
        <source>A calculate question needs a calculation.</source>
        <translation>calculate 问题必须有计算。</translation>
    </message>
    <message>
        <source>&apos;end %1&apos; has no matching &apos;begin %1&apos; (name &apos;%2&apos;).</source>
        <translation>&apos;end %1&apos; 没有对应的 &apos;begin %1&apos;（名称 &apos;%2&apos;）。</translation>
    </message>
    <message>
        <source>An audit is always named &apos;audit&apos;: leave its name empty.</source>
        <translation>audit 的名称固定为 &apos;audit&apos;：请将其名称留空。</translation>
    </message>
    <message>
        <source>The question or group has no name.</source>
        <translation>该问题或组没有名称。</translation>
    </message>
    <message>
        <source>The name &apos;meta&apos; is kept for the form&apos;s metadata; choose another.</source>
        <translation>名称 &apos;meta&apos; 专用于表单的元数据；请另选一个名称。</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; is used twice in the same group, repeat or survey. Names must be unique within their group or repeat.</source>
        <translation>名称 &apos;%1&apos; 在同一个组、重复组或表单顶层中使用了两次。名称在其所在的组或重复组内必须唯一。</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; differs from &apos;%2&apos; only by case. Some tools do not tell them apart, which makes analysis hard.</source>
        <translation>名称 &apos;%1&apos; 与 &apos;%2&apos; 只有大小写不同。有些工具无法区分它们，会给数据分析带来困难。</translation>
    </message>
    <message>
        <source>The loop names no choice list.</source>
        <translation>该循环（loop）没有指定选项列表。</translation>
    </message>
    <message>
        <source>The loop&apos;s list &apos;%1&apos; is not on the &apos;choices&apos; sheet.</source>
        <translation>循环所用的列表 &apos;%1&apos; 不在 &apos;choices&apos; 工作表中。</translation>
    </message>
    <message>
        <source>The repeat name &apos;%1&apos; is used twice. Repeat names must be unique in the whole form.</source>
        <translation>重复组名称 &apos;%1&apos; 使用了两次。重复组名称在整个表单中必须唯一。</translation>
    </message>
    <message>
        <source>A repeat cannot have the name of the form&apos;s root element (&apos;%1&apos;).</source>
        <translation>重复组的名称不能与表单根元素的名称（&apos;%1&apos;）相同。</translation>
    </message>
    <message>
        <source>Unknown question type &apos;%1&apos;.</source>
        <translation>未知的问题类型 &apos;%1&apos;。</translation>
    </message>
    <message>
        <source>A background-geopoint question needs a trigger.</source>
        <translation>background-geopoint 问题必须有触发器。</translation>
    </message>
    <message>
        <source>A background-geopoint question cannot have a calculation.</source>
        <translation>background-geopoint 问题不能有计算。</translation>
    </message>
    <message>
        <source>&apos;begin %1&apos; has no matching &apos;end %1&apos;.</source>
        <translation>&apos;begin %1&apos; 没有对应的 &apos;end %1&apos;。</translation>
    </message>
    <message>
        <source>The file for &apos;%1&apos; must end in one of &apos;.csv&apos;, &apos;.xml&apos; or &apos;.geojson&apos;.</source>
        <translation>&apos;%1&apos; 的文件名必须以 &apos;.csv&apos;、&apos;.xml&apos; 或 &apos;.geojson&apos; 结尾。</translation>
    </message>
    <message>
        <source>The form has a select_one_external question but no &apos;external_choices&apos; sheet (with the columns &apos;list_name&apos; and &apos;name&apos;).</source>
        <translation>表单中有 select_one_external 问题，但没有 &apos;external_choices&apos; 工作表（包含 &apos;list_name&apos; 和 &apos;name&apos; 列）。</translation>
    </message>
    <message>
        <source>The list &apos;%1&apos; is not on the &apos;external_choices&apos; sheet.</source>
        <translation>列表 &apos;%1&apos; 不在 &apos;external_choices&apos; 工作表中。</translation>
    </message>
    <message>
        <source>The form needs a &apos;choices&apos; sheet (with the columns &apos;list_name&apos;, &apos;name&apos; and &apos;label&apos;) for the list &apos;%1&apos;.</source>
        <translation>表单需要一个 &apos;choices&apos; 工作表（包含 &apos;list_name&apos;、&apos;name&apos; 和 &apos;label&apos; 列）来提供列表 &apos;%1&apos;。</translation>
    </message>
    <message>
        <source>The form needs a &apos;choices&apos; sheet for the list &apos;%1&apos;. Sheets with similar names: %2.</source>
        <translation>表单需要一个 &apos;choices&apos; 工作表来提供列表 &apos;%1&apos;。名称相近的工作表：%2。</translation>
    </message>
    <message>
        <source>The list &apos;%1&apos; is not on the &apos;choices&apos; sheet.</source>
        <translation>列表 &apos;%1&apos; 不在 &apos;choices&apos; 工作表中。</translation>
    </message>
    <message>
        <source>A choice filter cannot be used with or_other.</source>
        <translation>选项筛选条件不能与 or_other 一起使用。</translation>
    </message>
    <message>
        <source>Give the choices of this &apos;or other&apos; question on the &apos;choices&apos; sheet.</source>
        <translation>请在 &apos;choices&apos; 工作表中列出这个 &apos;or other&apos; 问题的选项。</translation>
    </message>
    <message>
        <source>The choice name &apos;%1&apos; in the list &apos;%2&apos; has a space, which a select_multiple cannot hold.</source>
        <translation>列表 &apos;%2&apos; 中的选项名称 &apos;%1&apos; 含有空格，select_multiple 问题不能使用含空格的选项名称。</translation>
    </message>
    <message>
        <source>the package name is missing.</source>
        <translation>缺少包名。</translation>
    </message>
    <message>
        <source>the package name must have at least one &apos;.&apos; separator.</source>
        <translation>包名中至少要有一个 &apos;.&apos; 分隔符。</translation>
    </message>
    <message>
        <source>the package name cannot end in a &apos;.&apos; separator.</source>
        <translation>包名不能以 &apos;.&apos; 分隔符结尾。</translation>
    </message>
    <message>
        <source>package segments must not be empty.</source>
        <translation>包名的各段都不能为空。</translation>
    </message>
    <message>
        <source>a package segment cannot start with &apos;_&apos;.</source>
        <translation>包名的段不能以 &apos;_&apos; 开头。</translation>
    </message>
    <message>
        <source>a package segment cannot start with a digit.</source>
        <translation>包名的段不能以数字开头。</translation>
    </message>
    <message>
        <source>the package name can only hold letters (a-z, A-Z), digits (0-9), dots (.) and underscores (_).</source>
        <translation>包名只能包含字母（a-z、A-Z）、数字（0-9）、点（.）和下划线（_）。</translation>
    </message>
    <message>
        <source>The parameters accepted for this question type are &apos;%1&apos;; these are not: &apos;%2&apos;.</source>
        <translation>此问题类型可用的参数为 &apos;%1&apos;；以下参数不可用：&apos;%2&apos;。</translation>
    </message>
    <message>
        <source>randomize must be true or false; &apos;%1&apos; is neither.</source>
        <translation>randomize 必须为 true 或 false；&apos;%1&apos; 两者都不是。</translation>
    </message>
    <message>
        <source>The seed must be a number or a reference to another question.</source>
        <translation>seed 必须是数字，或是对另一个问题的引用。</translation>
    </message>
    <message>
        <source>A seed needs randomize=true among the parameters.</source>
        <translation>使用 seed 时，参数中必须有 randomize=true。</translation>
    </message>
    <message>
        <source>The parameter &apos;%1&apos; must begin with a letter or underscore, then hold only letters, digits, dashes, underscores and periods.</source>
        <translation>参数 &apos;%1&apos; 必须以字母或下划线开头，其后只能包含字母、数字、连字符、下划线和句点。</translation>
    </message>
    <message>
        <source>The parameter rows must be a whole number.</source>
        <translation>参数 rows 必须是整数。</translation>
    </message>
    <message>
        <source>The parameter max-pixels must be a whole number.</source>
        <translation>参数 max-pixels 必须是整数。</translation>
    </message>
    <message>
        <source>Use the max-pixels parameter to keep photos small: sending is faster and takes less space.</source>
        <translation>建议使用 max-pixels 参数缩小照片：这样发送更快，占用空间也更少。</translation>
    </message>
    <message>
        <source>The parameter &apos;app&apos; is not an Android package name: %1</source>
        <translation>参数 &apos;app&apos; 不是 Android 包名：%1</translation>
    </message>
    <message>
        <source>The parameter quality must be one of %1.</source>
        <translation>参数 quality 必须是 %1 之一。</translation>
    </message>
    <message>
        <source>The parameter &apos;%1&apos; must be a number.</source>
        <translation>参数 &apos;%1&apos; 必须是数字。</translation>
    </message>
    <message>
        <source>The parameter &apos;allow-mock-accuracy&apos; must be &apos;true&apos; or &apos;false&apos;.</source>
        <translation>参数 &apos;allow-mock-accuracy&apos; 必须是 &apos;true&apos; 或 &apos;false&apos;。</translation>
    </message>
    <message>
        <source>For geoshape and geotrace questions the parameter &apos;incremental&apos; may only be &apos;true&apos;, or left out.</source>
        <translation>对于 geoshape 和 geotrace 问题，参数 &apos;incremental&apos; 只能是 &apos;true&apos;，或者不填。</translation>
    </message>
    <message>
        <source>%1 must be true or false; &apos;%2&apos; is neither.</source>
        <translation>%1 必须为 true 或 false；&apos;%2&apos; 两者都不是。</translation>
    </message>
    <message>
        <source>track-changes-reasons can only be on-form-edit.</source>
        <translation>track-changes-reasons 只能是 on-form-edit。</translation>
    </message>
    <message>
        <source>To record locations in the audit, give all of &apos;location-priority&apos;, &apos;location-min-interval&apos; and &apos;location-max-age&apos;.</source>
        <translation>要在 audit 中记录位置，请同时填写 &apos;location-priority&apos;、&apos;location-min-interval&apos; 和 &apos;location-max-age&apos;。</translation>
    </message>
    <message>
        <source>location-priority must be no-power, low-power, balanced or high-accuracy; &apos;%1&apos; is none of them.</source>
        <translation>location-priority 必须是 no-power、low-power、balanced 或 high-accuracy；&apos;%1&apos; 都不是。</translation>
    </message>
    <message>
        <source>location-min-interval must be a whole number.</source>
        <translation>location-min-interval 必须是整数。</translation>
    </message>
    <message>
        <source>location-min-interval must be zero or more.</source>
        <translation>location-min-interval 必须大于或等于零。</translation>
    </message>
    <message>
        <source>location-max-age must be a whole number.</source>
        <translation>location-max-age 必须是整数。</translation>
    </message>
    <message>
        <source>location-max-age must be zero or more.</source>
        <translation>location-max-age 必须大于或等于零。</translation>
    </message>
    <message>
        <source>location-max-age must be at least location-min-interval.</source>
        <translation>location-max-age 不能小于 location-min-interval。</translation>
    </message>
    <message>
        <source>For a range, &apos;tick_interval&apos;, &apos;placeholder&apos; and &apos;tick_labelset&apos; only go with the appearances &apos;vertical&apos;, &apos;no-ticks&apos;, both, or none.</source>
        <translation>对于 range 问题，只有在外观为 &apos;vertical&apos;、&apos;no-ticks&apos;、两者兼有或没有外观时，才能使用 &apos;tick_interval&apos;、&apos;placeholder&apos; 和 &apos;tick_labelset&apos;。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;%1&apos; must be a number.</source>
        <translation>对于 range 问题，参数 &apos;%1&apos; 必须是数字。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;step&apos; must not be zero.</source>
        <translation>对于 range 问题，参数 &apos;step&apos; 不能为零。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;step&apos; must not be larger than the range (from &apos;start&apos; to &apos;end&apos;).</source>
        <translation>对于 range 问题，参数 &apos;step&apos; 不能大于范围（从 &apos;start&apos; 到 &apos;end&apos;）。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_interval&apos; must not be zero.</source>
        <translation>对于 range 问题，参数 &apos;tick_interval&apos; 不能为零。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_interval&apos; must not be larger than the range.</source>
        <translation>对于 range 问题，参数 &apos;tick_interval&apos; 不能大于范围。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_interval&apos; must be a multiple of &apos;step&apos;.</source>
        <translation>对于 range 问题，参数 &apos;tick_interval&apos; 必须是 &apos;step&apos; 的倍数。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;placeholder&apos; must be &apos;start&apos; plus a multiple of &apos;step&apos;.</source>
        <translation>对于 range 问题，参数 &apos;placeholder&apos; 必须等于 &apos;start&apos; 加上 &apos;step&apos; 的整数倍。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;placeholder&apos; must lie between &apos;start&apos; and &apos;end&apos;.</source>
        <translation>对于 range 问题，参数 &apos;placeholder&apos; 必须介于 &apos;start&apos; 和 &apos;end&apos; 之间。</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_labelset&apos; must name a list on the &apos;choices&apos; sheet.</source>
        <translation>对于 range 问题，参数 &apos;tick_labelset&apos; 必须是 &apos;choices&apos; 工作表中某个列表的名称。</translation>
    </message>
    <message>
        <source>For a range, the choices of &apos;tick_labelset&apos; must all be numbers.</source>
        <translation>对于 range 问题，&apos;tick_labelset&apos; 的选项必须全部是数字。</translation>
    </message>
    <message>
        <source>For a range, the choices of &apos;tick_labelset&apos; must lie between &apos;start&apos; and &apos;end&apos;.</source>
        <translation>对于 range 问题，&apos;tick_labelset&apos; 的选项必须介于 &apos;start&apos; 和 &apos;end&apos; 之间。</translation>
    </message>
    <message>
        <source>For a range, each choice of &apos;tick_labelset&apos; must be &apos;start&apos; plus a multiple of &apos;%1&apos;.</source>
        <translation>对于 range 问题，&apos;tick_labelset&apos; 的每个选项都必须等于 &apos;start&apos; 加上 &apos;%1&apos; 的整数倍。</translation>
    </message>
    <message>
        <source>For a range with the appearance &apos;no-ticks&apos;, &apos;tick_labelset&apos; may have only 2 choices.</source>
        <translation>对于外观为 &apos;no-ticks&apos; 的 range 问题，&apos;tick_labelset&apos; 只能有 2 个选项。</translation>
    </message>
    <message>
        <source>For a range with the appearance &apos;no-ticks&apos;, the choices of &apos;tick_labelset&apos; may only be the &apos;start&apos; and &apos;end&apos; values.</source>
        <translation>对于外观为 &apos;no-ticks&apos; 的 range 问题，&apos;tick_labelset&apos; 的选项只能是 &apos;start&apos; 和 &apos;end&apos; 的值。</translation>
    </message>
    <message>
        <source>The trigger ${%1} names no question: there is no question &apos;%1&apos; in the &apos;name&apos; column.</source>
        <translation>触发器 ${%1} 没有指向任何问题：&apos;name&apos; 列中没有问题 &apos;%1&apos;。</translation>
    </message>
    <message>
        <source>The question ${%1} is not shown to the person filling in the form, so it cannot trigger the calculation of ${%2}.</source>
        <translation>问题 ${%1} 不会显示给填写表单的人，因此不能触发 ${%2} 的计算。</translation>
    </message>
    <message>
        <source>A choice filter cannot be used in a table-list group.</source>
        <translation>table-list 组中不能使用选项筛选条件。</translation>
    </message>
    <message>
        <source>The selects of a table-list group must all use one list; this one uses &apos;%1&apos;, the first &apos;%2&apos;.</source>
        <translation>table-list 组中的选择题必须全部使用同一个列表；此题使用 &apos;%1&apos;，而第一题使用 &apos;%2&apos;。</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; is used twice in the same group, repeat or survey (one of them is made by the converter). Names must be unique within their group or repeat.</source>
        <translation>名称 &apos;%1&apos; 在同一个组、重复组或表单顶层中使用了两次（其中一个由转换器生成）。名称在其所在的组或重复组内必须唯一。</translation>
    </message>
    <message>
        <source>The question &apos;%1&apos; has no label or hint. Give it one, so that people know what is asked.</source>
        <translation>问题 &apos;%1&apos; 没有标签或提示。请为它添加标签或提示，让填写的人知道问的是什么。</translation>
    </message>
    <message>
        <source>The repeat name &apos;%1&apos; is used twice (a loop copies its repeats). Repeat names must be unique in the whole form.</source>
        <translation>重复组名称 &apos;%1&apos; 使用了两次（循环会复制它的重复组）。重复组名称在整个表单中必须唯一。</translation>
    </message>
    <message>
        <source>The parameter &apos;reference-geometry&apos; must name a secondary instance (a choice list, an entity list or an attached file&apos;s name without its extension) or be a reference to a repeat.</source>
        <translation>参数 &apos;reference-geometry&apos; 必须是某个辅助实例的名称（选项列表、实体列表，或去掉扩展名的附件文件名），或者是对某个重复组的引用。</translation>
    </message>
    <message>
        <source>The question &apos;%1&apos; selects from a file and uses search(), which do not go together. Remove search() or change the select type.</source>
        <translation>问题 &apos;%1&apos; 从文件中选择选项，同时又使用了 search()，两者不能同时使用。请删除 search() 或更改选择题类型。</translation>
    </message>
    <message>
        <source>The question &apos;%1&apos; uses search() with the choice list &apos;%2&apos;, which the question(s) %3 use without search(). Use search() in all of them, or give the search() question a list of its own.</source>
        <translation>问题 &apos;%1&apos; 对选项列表 &apos;%2&apos; 使用了 search()，而问题 %3 使用该列表时没有用 search()。请在所有这些问题中都使用 search()，或者为使用 search() 的问题单独提供一个列表。</translation>
    </message>
    <message>
        <source>There is no &apos;entities&apos; sheet, but there are sheets with similar names: %1. To keep a sheet out of the form without this warning, start its name with &apos;_&apos;.</source>
        <translation>没有 &apos;entities&apos; 工作表，但有名称相近的工作表：%1。如果某个工作表不属于表单，又不想看到此警告，请让它的名称以 &apos;_&apos; 开头。</translation>
    </message>
    <message>
        <source>These columns are not entity columns: %1. Check their spelling or remove them.</source>
        <translation>以下列不是实体列：%1。请检查拼写或删除这些列。</translation>
    </message>
    <message>
        <source>The entity list has no name.</source>
        <translation>该实体列表没有名称。</translation>
    </message>
    <message>
        <source>Entity list names must not begin with two underscores.</source>
        <translation>实体列表名称不能以两个下划线开头。</translation>
    </message>
    <message>
        <source>Entity list names must not contain a period.</source>
        <translation>实体列表名称不能包含句点。</translation>
    </message>
    <message>
        <source>The entity list name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores or hyphens.</source>
        <translation>实体列表名称 &apos;%1&apos; 无效：名称必须以字母或下划线开头，其后只能包含字母、数字、下划线或连字符。</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; has an &apos;update_if&apos; but no &apos;entity_id&apos;: updating an entity needs its id. Add an &apos;entity_id&apos;, or to create entities move the condition to &apos;create_if&apos;.</source>
        <translation>实体列表 &apos;%1&apos; 有 &apos;update_if&apos; 但没有 &apos;entity_id&apos;：更新实体需要知道它的 id。请添加 &apos;entity_id&apos;；如果是要创建实体，请将条件移到 &apos;create_if&apos;。</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; has an &apos;entity_id&apos; and a &apos;create_if&apos; but no &apos;update_if&apos;, which creating or updating needs. Add an &apos;update_if&apos;, or to only create entities remove the &apos;entity_id&apos;.</source>
        <translation>实体列表 &apos;%1&apos; 有 &apos;entity_id&apos; 和 &apos;create_if&apos;，但缺少创建或更新实体所需的 &apos;update_if&apos;。请添加 &apos;update_if&apos;；如果只创建实体，请删除 &apos;entity_id&apos;。</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; has no label, which creating entities needs. Add a &apos;label&apos;, or to update entities give an &apos;entity_id&apos;.</source>
        <translation>实体列表 &apos;%1&apos; 没有标签，而创建实体需要标签。请添加 &apos;label&apos;；如果是要更新实体，请提供 &apos;entity_id&apos;。</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is declared twice.</source>
        <translation>实体列表 &apos;%1&apos; 声明了两次。</translation>
    </message>
    <message>
        <source>To save entity properties with save_to, add an &apos;entities&apos; sheet that declares an entity list.</source>
        <translation>要用 save_to 保存实体属性，请添加一个声明实体列表的 &apos;entities&apos; 工作表。</translation>
    </message>
    <message>
        <source>A save_to value has at most one &apos;#&apos;.</source>
        <translation>save_to 的值中最多只能有一个 &apos;#&apos;。</translation>
    </message>
    <message>
        <source>With more than one entity list, save_to names must start with the list they belong to, as in &apos;list#property&apos;.</source>
        <translation>有多个实体列表时，save_to 名称必须以其所属的列表开头，例如 &apos;list#property&apos;。</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is not on the entities sheet.</source>
        <translation>实体列表 &apos;%1&apos; 不在 entities 工作表中。</translation>
    </message>
    <message>
        <source>The save_to name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</source>
        <translation>save_to 名称 &apos;%1&apos; 无效：名称必须以字母或下划线开头，其后只能包含字母、数字、下划线、连字符或句点。</translation>
    </message>
    <message>
        <source>Groups and repeats cannot be saved as entity properties. Remove the save_to value from this row.</source>
        <translation>组和重复组不能保存为实体属性。请删除此行的 save_to 值。</translation>
    </message>
    <message>
        <source>An entity property cannot be called &apos;name&apos; or &apos;label&apos;.</source>
        <translation>实体属性不能命名为 &apos;name&apos; 或 &apos;label&apos;。</translation>
    </message>
    <message>
        <source>Entity property names must not begin with two underscores.</source>
        <translation>实体属性名称不能以两个下划线开头。</translation>
    </message>
    <message>
        <source>The entity property &apos;%1&apos; is already saved by row %2. Remove or rename one of them.</source>
        <translation>实体属性 &apos;%1&apos; 已由第 %2 行保存。请删除或重命名其中之一。</translation>
    </message>
    <message>
        <source>The form name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</source>
        <translation>表单名称 &apos;%1&apos; 无效：名称必须以字母或下划线开头，其后只能包含字母、数字、下划线、连字符或句点。</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is saved to from the container &apos;%2&apos;, which does not fit with this save_to in &apos;%3&apos;. Copy the value into one container with a calculate question, and save that.</source>
        <translation>实体列表 &apos;%1&apos; 是从容器 &apos;%2&apos; 中保存的，这与 &apos;%3&apos; 中的这个 save_to 不匹配。请用一个 calculate 问题把该值复制到同一个容器中，然后保存这个值。</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is used in the container &apos;%2&apos;, which does not fit with the reference to &apos;%3&apos; in &apos;%4&apos;. Copy the value into one container with a calculate question, and use that.</source>
        <translation>实体列表 &apos;%1&apos; 用在容器 &apos;%2&apos; 中，这与 &apos;%4&apos; 中对 &apos;%3&apos; 的引用不匹配。请用一个 calculate 问题把该值复制到同一个容器中，然后使用这个值。</translation>
    </message>
    <message>
        <source>Each container (survey, group or repeat) can hold only one entity, and there is no free container in &apos;%1&apos;: it went to the entity on row %2. Check which entities the save_to column saves to, and which questions the entities sheet references.</source>
        <translation>每个容器（表单顶层、组或重复组）只能对应一个实体，而 &apos;%1&apos; 中已没有空闲的容器：它已分配给第 %2 行的实体。请检查 save_to 列保存到哪些实体，以及 entities 工作表引用了哪些问题。</translation>
    </message>
    <message>
        <source>The file is not a markdown table: it has fewer than five &apos;|&apos; characters at its start.</source>
        <translation>该文件不是 Markdown 表格：文件开头的 &apos;|&apos; 字符少于五个。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MB, more than a form can be.</source>
        <translation>%1 超过 %2 MB，超出了表单允许的最大大小。</translation>
    </message>
    <message>
        <source>The reference ${%1} names no question: there is no &apos;%1&apos; in the survey.</source>
        <translation>引用 ${%1} 没有指向任何问题：表单中没有 &apos;%1&apos;。</translation>
    </message>
    <message>
        <source>Two secondary instances would have the id &apos;%1&apos;: %2 (%3) and %4 (%5). Rename the file, list or question so that each instance has its own name.</source>
        <translation>有两个辅助实例的 id 都是 &apos;%1&apos;：%2（%3）和 %4（%5）。请重命名文件、列表或问题，使每个实例都有自己的名称。</translation>
    </message>
    <message>
        <source>the choice list</source>
        <translation>选项列表</translation>
    </message>
    <message>
        <source>The reference ${%1} names no question.</source>
        <translation>引用 ${%1} 没有指向任何问题。</translation>
    </message>
    <message>
        <source>These languages have no code a program can read: %1. Write a language as &apos;Name (code)&apos;, for example &apos;English (en)&apos; or &apos;中文 (zh)&apos;.</source>
        <translation>以下语言没有程序可识别的代码：%1。请将语言写成 &apos;Name (code)&apos; 的形式，例如 &apos;English (en)&apos; 或 &apos;中文 (zh)&apos;。</translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;, row %2, column &apos;%3&apos;: </source>
        <translation>工作表 &apos;%1&apos;，第 %2 行，列 &apos;%3&apos;：</translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;, row %2: </source>
        <translation>工作表 &apos;%1&apos;，第 %2 行：</translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;, column &apos;%2&apos;: </source>
        <translation>工作表 &apos;%1&apos;，列 &apos;%2&apos;：</translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;: </source>
        <translation>工作表 &apos;%1&apos;：</translation>
    </message>
    <message>
        <source>The part %1 of the spreadsheet cannot be read.</source>
        <translation>无法读取电子表格的组成部分 %1。</translation>
    </message>
    <message>
        <source>The part %1 of the spreadsheet is damaged.</source>
        <translation>电子表格的组成部分 %1 已损坏。</translation>
    </message>
    <message>
        <source>The spreadsheet inflates to more than a form can hold (%1 is too large).</source>
        <translation>电子表格解压后超出了表单能容纳的大小（%1 过大）。</translation>
    </message>
    <message>
        <source>A sheet has more rows than a spreadsheet can.</source>
        <translation>有一个工作表的行数超过了电子表格的上限。</translation>
    </message>
    <message>
        <source>A cell has the reference &quot;%1&quot;, which is not a cell.</source>
        <translation>有一个单元格的引用为 &quot;%1&quot;，这不是有效的单元格。</translation>
    </message>
    <message>
        <source>A cell lies beyond the last column or row a spreadsheet can have.</source>
        <translation>有一个单元格超出了电子表格允许的最后一列或最后一行。</translation>
    </message>
    <message>
        <source>A cell refers to a shared string the spreadsheet does not have.</source>
        <translation>有一个单元格引用了电子表格中不存在的共享字符串。</translation>
    </message>
    <message>
        <source>The spreadsheet has more cells than a form can (%1).</source>
        <translation>电子表格的单元格数量超过了表单的上限（%1）。</translation>
    </message>
    <message>
        <source>A sheet of the spreadsheet is not well-formed XML: %1</source>
        <translation>电子表格中有一个工作表不是格式正确的 XML：%1</translation>
    </message>
    <message>
        <source>The spreadsheet is larger than a form can be.</source>
        <translation>电子表格超出了表单允许的最大大小。</translation>
    </message>
    <message>
        <source>The file is not an .xlsx spreadsheet (it is not a readable zip archive). Save it from Excel or WPS as &quot;Excel Workbook (.xlsx)&quot;.</source>
        <translation>该文件不是 .xlsx 电子表格（无法作为 zip 压缩包读取）。请在 Excel 或 WPS 中将其另存为 &quot;Excel 工作簿 (.xlsx)&quot;。</translation>
    </message>
    <message>
        <source>The file is a zip archive but not an .xlsx spreadsheet: it has no workbook.</source>
        <translation>该文件是 zip 压缩包，但不是 .xlsx 电子表格：其中没有工作簿。</translation>
    </message>
    <message>
        <source>The shared strings of the spreadsheet are not well-formed XML.</source>
        <translation>电子表格的共享字符串不是格式正确的 XML。</translation>
    </message>
    <message>
        <source>The spreadsheet has more sheets than a form can.</source>
        <translation>电子表格的工作表数量超过了表单的上限。</translation>
    </message>
    <message>
        <source>The workbook part of the spreadsheet is not well-formed XML.</source>
        <translation>电子表格的工作簿部分不是格式正确的 XML。</translation>
    </message>
    <message>
        <source>The spreadsheet has more rows and columns than a form can.</source>
        <translation>该电子表格的行数与列数超出了表单所能容纳的范围。</translation>
    </message>
    <message>
        <source>The column &apos;%1&apos; does not name an attribute: after &apos;::&apos; must come a name (letters, digits, &apos;_&apos;, &apos;-&apos;, &apos;.&apos;, one &apos;:&apos;).</source>
        <translation>列“%1”没有给出属性名：&apos;::&apos; 之后必须是名称（字母、数字、&apos;_&apos;、&apos;-&apos;、&apos;.&apos;，最多一个 &apos;:&apos;）。</translation>
    </message>
    <message>
        <source>The cell holds a control character (code %1), which a form cannot carry. Delete it from the cell.</source>
        <translation>单元格中有控制字符（代码 %1），表单无法包含它。请从单元格中删除。</translation>
    </message>
    <message>
        <source>The column header &apos;%1&apos; is not a name (it has a space or a sign a name cannot hold) and is left out.</source>
        <translation>列标题“%1”不是有效名称（含有空格或名称不能包含的符号），已忽略该列。</translation>
    </message>
    <message>
        <source>The name &apos;%1…&apos; is longer than %2 characters.</source>
        <translation>名称“%1…”超过 %2 个字符。</translation>
    </message>
    <message>
        <source>The repeat &apos;%1&apos; has no label: people will not know what each entry is for.</source>
        <translation>重复组“%1”没有标签：填写的人不会知道每一条是做什么的。</translation>
    </message>
    <message>
        <source>Groups and repeats are nested more than %1 deep.</source>
        <translation>组和重复组嵌套超过 %1 层。</translation>
    </message>
    <message>
        <source>%1 is no longer given by most devices: only old versions of ODK Collect on Android before 11 have it.</source>
        <translation>大多数设备已不再提供 %1：只有 Android 11 之前系统上的旧版 ODK Collect 才有。</translation>
    </message>
    <message>
        <source>The loops make more than %1 questions.</source>
        <translation>循环（loop）生成的问题超过 %1 个。</translation>
    </message>
    <message>
        <source>Language &apos;%1&apos; has no %2 column(s) on the &apos;%3&apos; sheet: %4.</source>
        <translation>语言“%1”在“%3”工作表中缺少 %2 列：%4。</translation>
    </message>
    <message>
        <source>The form uses or_other and translations: the &apos;Other&apos; choice and the question that asks for it are not translated.</source>
        <translation>表单同时使用了 or_other 和多语言：“Other”选项及其追问问题不会被翻译。</translation>
    </message>
    <message>
        <source>A row of the table has more than %1 columns.</source>
        <translation>表格中有一行超过 %1 列。</translation>
    </message>
    <message>
        <source>The reference ${%1} is ambiguous: there is more than one &apos;%1&apos; (a loop copies its questions). Refer to a question outside the loop.</source>
        <translation>引用 ${%1} 有歧义：存在多个“%1”（循环会复制其中的问题）。请引用循环之外的问题。</translation>
    </message>
    <message>
        <source>The XForm would be larger than %1 MB, more than a form can be.</source>
        <translation>生成的 XForm 将超过 %1 MB，超出表单所能达到的大小。</translation>
    </message>
    <message>
        <source>The spreadsheet&apos;s cells hold more text than a form can (%1 million characters).</source>
        <translation>电子表格单元格中的文字超出了表单所能容纳的量（%1 百万个字符）。</translation>
    </message>
    <message>
        <source>The sheet &apos;%1&apos; has two columns headed &apos;%2&apos;.</source>
        <translation>工作表“%1”中有两列的标题都是“%2”。</translation>
    </message>
</context>
<context>
    <name>XmlDocument</name>
    <message>
        <source>document type declarations (DTD) are not accepted: a form must not declare entities or a document type</source>
        <translation>不接受文档类型声明（DTD）：表单不得声明实体或文档类型</translation>
    </message>
    <message>
        <source>entity reference &apos;&amp;%1;&apos; is not accepted: only the five predefined XML entities may be used</source>
        <translation>不接受实体引用 &apos;&amp;%1;&apos;：只能使用 XML 预定义的五个实体</translation>
    </message>
    <message numerus="yes">
        <source>elements are nested more than %n levels deep</source>
        <translation>
            <numerusform>元素嵌套超过 %n 层</numerusform>
        </translation>
    </message>
    <message>
        <source>the document is empty</source>
        <translation>文档为空</translation>
    </message>
    <message>
        <source>not well-formed XML: %1</source>
        <translation>XML 格式不正确：%1</translation>
    </message>
    <message>
        <source>the document has no root element</source>
        <translation>文档没有根元素</translation>
    </message>
    <message>
        <source>a name was expected</source>
        <translation>此处应为名称</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid name</source>
        <translation>&apos;%1&apos; 不是有效的名称</translation>
    </message>
    <message>
        <source>malformed character reference</source>
        <translation>字符引用格式错误</translation>
    </message>
    <message>
        <source>character reference to a character XML does not allow</source>
        <translation>字符引用指向 XML 不允许的字符</translation>
    </message>
    <message>
        <source>an attribute value must be quoted</source>
        <translation>属性值必须加引号</translation>
    </message>
    <message>
        <source>&apos;&lt;&apos; is not allowed in an attribute value</source>
        <translation>属性值中不允许出现 &apos;&lt;&apos;</translation>
    </message>
    <message>
        <source>the attribute value is not closed</source>
        <translation>属性值未闭合</translation>
    </message>
    <message>
        <source>the comment is not closed</source>
        <translation>注释未闭合</translation>
    </message>
    <message>
        <source>&apos;--&apos; is not allowed inside a comment</source>
        <translation>注释中不允许出现 &apos;--&apos;</translation>
    </message>
    <message>
        <source>the XML declaration may only appear at the very start</source>
        <translation>XML 声明只能出现在文档的最开头</translation>
    </message>
    <message>
        <source>a processing instruction target cannot contain &apos;:&apos;</source>
        <translation>处理指令的目标名不能包含 &apos;:&apos;</translation>
    </message>
    <message>
        <source>the processing instruction is not closed</source>
        <translation>处理指令未闭合</translation>
    </message>
    <message>
        <source>a space must follow the processing instruction target</source>
        <translation>处理指令的目标名后面必须有空格</translation>
    </message>
    <message>
        <source>&apos;]]&gt;&apos; is not allowed in text</source>
        <translation>文本中不允许出现 &apos;]]&gt;&apos;</translation>
    </message>
    <message>
        <source>text is not allowed outside the document element</source>
        <translation>文档元素之外不允许出现文本</translation>
    </message>
    <message>
        <source>CDATA is not allowed outside the document element</source>
        <translation>文档元素之外不允许出现 CDATA</translation>
    </message>
    <message>
        <source>the CDATA section is not closed</source>
        <translation>CDATA 段未闭合</translation>
    </message>
    <message>
        <source>the start tag is not closed</source>
        <translation>开始标签未闭合</translation>
    </message>
    <message>
        <source>white space is needed between attributes</source>
        <translation>属性之间需要空白</translation>
    </message>
    <message>
        <source>&apos;=&apos; must follow the attribute name</source>
        <translation>属性名后面必须跟 &apos;=&apos;</translation>
    </message>
    <message>
        <source>the attribute &apos;%1&apos; appears twice</source>
        <translation>属性 &apos;%1&apos; 出现了两次</translation>
    </message>
    <message>
        <source>invalid namespace declaration &apos;%1&apos;</source>
        <translation>无效的命名空间声明 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid qualified name</source>
        <translation>&apos;%1&apos; 不是有效的限定名</translation>
    </message>
    <message>
        <source>the namespace prefix &apos;%1&apos; is not declared</source>
        <translation>命名空间前缀 &apos;%1&apos; 未声明</translation>
    </message>
    <message>
        <source>the end tag is not closed</source>
        <translation>结束标签未闭合</translation>
    </message>
    <message>
        <source>end tag &lt;/%1&gt; without a start tag</source>
        <translation>结束标签 &lt;/%1&gt; 没有对应的开始标签</translation>
    </message>
    <message>
        <source>end tag &lt;/%1&gt; does not match the start tag &lt;%2&gt;</source>
        <translation>结束标签 &lt;/%1&gt; 与开始标签 &lt;%2&gt; 不匹配</translation>
    </message>
    <message>
        <source>the character U+%1 is not allowed in XML</source>
        <translation>XML 中不允许出现字符 U+%1</translation>
    </message>
    <message>
        <source>the document is not valid UTF-8</source>
        <translation>文档不是有效的 UTF-8 编码</translation>
    </message>
    <message>
        <source>the XML declaration is not closed</source>
        <translation>XML 声明未闭合</translation>
    </message>
    <message>
        <source>the XML declaration needs a version</source>
        <translation>XML 声明必须包含 version</translation>
    </message>
    <message>
        <source>unexpected markup &apos;&lt;!&apos;</source>
        <translation>意外的标记 &apos;&lt;!&apos;</translation>
    </message>
    <message>
        <source>only one document element is allowed</source>
        <translation>只允许有一个文档元素</translation>
    </message>
    <message>
        <source>the document ends before &lt;/%1&gt;</source>
        <translation>文档在 &lt;/%1&gt; 之前就结束了</translation>
    </message>
    <message>
        <source>&apos;&amp;&apos; must start an entity or character reference ending in &apos;;&apos; (write &amp;amp; for a literal &amp;)</source>
        <translation>&apos;&amp;&apos; 必须开始一个以 &apos;;&apos; 结尾的实体或字符引用（字面的 &amp; 请写作 &amp;amp;）</translation>
    </message>
    <message numerus="yes">
        <source>an element has more than %n attributes</source>
        <translation>
            <numerusform>一个元素的属性超过 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>the encoding &apos;%1&apos; is not supported: send the document in UTF-8</source>
        <translation>不支持编码“%1”：请以 UTF-8 发送文档</translation>
    </message>
    <message>
        <source>the document is not valid %1</source>
        <translation>文档不是有效的 %1</translation>
    </message>
    <message>
        <source>not well-formed XML: the document&apos;s encoding cannot be read</source>
        <translation>XML 格式不正确：无法读取文档的编码</translation>
    </message>
</context>
<context>
    <name>survey::analysis</name>
    <message>
        <source>The city has %1 households in “%2”, but none of them was surveyed: there is no city figure. Survey some, or count them in another group.</source>
        <translation>全市“%2”有 %1 户，但其中没有一户被调查：无法得出全市数值。请调查其中一些家庭，或将其计入其他分组。</translation>
    </message>
    <message>
        <source>No number of households is given for “%1”: its surveyed households are left out of the city figure.</source>
        <translation>没有给出“%1”的户数：该组已调查的家庭不计入全市数值。</translation>
    </message>
</context>
<context>
    <name>survey::app::Account</name>
    <message>
        <source>The server address is not a web address (https://…).</source>
        <translation>服务器地址不是网址（https://…）。</translation>
    </message>
    <message>
        <source>This device cannot keep the password: the app will ask for it again after it restarts.</source>
        <translation>这台设备无法保存密码：应用重新启动后会再次询问密码。</translation>
    </message>
</context>
<context>
    <name>survey::app::Backend</name>
    <message>
        <source>The data folder is not open.</source>
        <translation>数据文件夹未打开。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Form added: %1</source>
        <translation>已添加表单：%1</translation>
    </message>
    <message>
        <source>The form %1 is not on this device.</source>
        <translation>本设备上没有表单 %1。</translation>
    </message>
    <message>
        <source>The form cannot be used (line %1): %2</source>
        <translation>该表单无法使用（第 %1 行）：%2</translation>
    </message>
    <message>
        <source>This record cannot be opened.</source>
        <translation>无法打开此记录。</translation>
    </message>
    <message>
        <source>This record cannot be opened: %1</source>
        <translation>无法打开此记录：%1</translation>
    </message>
    <message>
        <source>%1 is too large to be a form.</source>
        <translation>%1 太大，不可能是表单。</translation>
    </message>
    <message>
        <source>%1 is not a form that can be used: %2</source>
        <translation>%1 不是可用的表单：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s) from the spreadsheet:</source>
        <translation>
            <numerusform>电子表格有 %n 条警告：</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>survey::app::Dashboard</name>
    <message>
        <source>(no answer)</source>
        <translation>（未回答）</translation>
    </message>
    <message>
        <source>The form&apos;s analysis.json is not used: %1</source>
        <translation>未使用问卷的 analysis.json：%1</translation>
    </message>
    <message>
        <source>Whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is too large to be a list of households per group.</source>
        <translation>%1 太大，不可能是各分组户数的列表。</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not “group,households”: nothing was imported.</source>
        <translation>%2 的第 %1 行不是“分组,户数”格式：未导入任何数据。</translation>
    </message>
    <message>
        <source>%1 has no households per group.</source>
        <translation>%1 中没有各分组的户数。</translation>
    </message>
    <message numerus="yes">
        <source>Households read for %n group(s).</source>
        <translation>
            <numerusform>已读取 %n 个分组的户数。</numerusform>
        </translation>
    </message>
    <message>
        <source>The figures are saved as CSV files in %1.</source>
        <translation>数据已另存为 CSV 文件，位于 %1。</translation>
    </message>
    <message>
        <source>approved submissions only</source>
        <translation>仅已通过的提交</translation>
    </message>
    <message>
        <source>collected by %1</source>
        <translation>由 %1 采集</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>自 %1 起</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>至 %1 止</translation>
    </message>
    <message>
        <source>“%1” is “%2”</source>
        <translation>“%1”为“%2”</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <source>The report is saved: %1 (%n page(s)).</source>
        <translation>
            <numerusform>报告已保存：%1（%n 页）。</numerusform>
        </translation>
    </message>
    <message>
        <source>No folder was chosen: the report is not saved.</source>
        <translation>未选择文件夹：报告未保存。</translation>
    </message>
</context>
<context>
    <name>survey::app::FormController</name>
    <message>
        <source>This record is finalized; reopen it to change answers.</source>
        <translation>此记录已定稿；请重新打开后再修改答案。</translation>
    </message>
    <message>
        <source>The data folder is not open.</source>
        <translation>数据文件夹未打开。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Cannot read the picture %1: %2</source>
        <translation>无法读取图片 %1：%2</translation>
    </message>
    <message>
        <source>No barcode or QR code was found in this picture. Take it again closer and sharper, or type the code.</source>
        <translation>这张图片中没有找到条形码或二维码。请靠近一些、对准焦距后重拍，或直接输入编码。</translation>
    </message>
    <message>
        <source>This record was sent: it can be read, not changed.</source>
        <translation>此记录已发送：只能查看，不能修改。</translation>
    </message>
    <message>
        <source>Check this answer</source>
        <translation>请核实此答案</translation>
    </message>
</context>
<context>
    <name>survey::app::FormOutline</name>
    <message>
        <source>, </source>
        <extracomment>Between the chosen answers of a multiple choice in the question list</extracomment>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>survey::app::FormPosition</name>
    <message>
        <source>Entry %1 of %2</source>
        <translation>第 %1 项，共 %2 项</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1：第 %2 项，共 %3 项</translation>
    </message>
</context>
<context>
    <name>survey::app::Positioning</name>
    <message numerus="yes">
        <source>No location found in %n second(s). Move outside or near a window and try again, or type the location above.</source>
        <translation>
            <numerusform>%n 秒内未能定位。请到室外或靠近窗户后重试，或在上方输入位置。</numerusform>
        </translation>
    </message>
    <message>
        <source>This device has no positioning. Type the location above as latitude and longitude (for example 38.87 115.46).</source>
        <translation>这台设备没有定位功能。请在上方输入纬度和经度（例如 38.87 115.46）。</translation>
    </message>
    <message>
        <source>The app may not use the location: allow it in the device&apos;s settings, or type the location above.</source>
        <translation>应用无权使用位置信息：请在设备设置中允许，或在上方输入位置。</translation>
    </message>
    <message>
        <source>The location cannot be found on this device: type it above.</source>
        <translation>这台设备无法定位：请在上方输入位置。</translation>
    </message>
</context>
<context>
    <name>survey::app::Sync</name>
    <message>
        <source>Sending %1 of %2…</source>
        <translation>正在发送第 %1 条，共 %2 条…</translation>
    </message>
    <message>
        <source>, </source>
        <extracomment>Between the parts of the sending summary (&quot;1 sent, 2 not sent&quot;)</extracomment>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <source>%n sent</source>
        <translation>
            <numerusform>已发送 %n 条</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not sent</source>
        <translation>
            <numerusform>%n 条未发送</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n returned for correction</source>
        <translation>
            <numerusform>%n 条退回待修改</numerusform>
        </translation>
    </message>
    <message>
        <source>The server refused the user name or password.</source>
        <translation>服务器拒绝了用户名或密码。</translation>
    </message>
    <message>
        <source>No server is set up: sign in to a server in Settings to send.</source>
        <translation>尚未设置服务器：请在设置中登录服务器后再发送。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Downloading submissions to review: %1 of %2 (%3 of %4)</source>
        <translation>正在下载待审核的提交：%1 / %2（%3 / %4）</translation>
    </message>
    <message>
        <source>Downloading submissions to review: %1 of %2</source>
        <translation>正在下载待审核的提交：%1 / %2</translation>
    </message>
    <message numerus="yes">
        <source>%n to review</source>
        <translation>
            <numerusform>%n 份待审核</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not downloaded (tried again next time)</source>
        <translation>
            <numerusform>%n 份未下载（下次重试）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) refused: the submission changed</source>
        <translation>
            <numerusform>%n 个审核决定被拒绝：提交已改动</numerusform>
        </translation>
    </message>
</context>
</TS>
