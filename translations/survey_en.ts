<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AcknowledgeAnswer</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>Admin</name>
    <message>
        <source>the password must have at least 10 characters</source>
        <translation>the password must have at least 10 characters</translation>
    </message>
    <message>
        <source>writing the audit log</source>
        <translation>writing the audit log</translation>
    </message>
    <message>
        <source>give the first admin&apos;s name with --admin NAME</source>
        <translation>give the first admin&apos;s name with --admin NAME</translation>
    </message>
    <message>
        <source>the database is already set up (schema version %1)</source>
        <translation>the database is already set up (schema version %1)</translation>
    </message>
    <message>
        <source>Default project</source>
        <translation>Default project</translation>
    </message>
    <message>
        <source>creating project 1</source>
        <translation>creating project 1</translation>
    </message>
    <message>
        <source>creating the admin</source>
        <translation>creating the admin</translation>
    </message>
    <message>
        <source>a user needs a name</source>
        <translation>a user needs a name</translation>
    </message>
    <message>
        <source>unknown role &apos;%1&apos; (use admin, supervisor or enumerator)</source>
        <translation>unknown role &apos;%1&apos; (use admin, supervisor or enumerator)</translation>
    </message>
    <message>
        <source>only an enumerator has a supervisor</source>
        <translation>only an enumerator has a supervisor</translation>
    </message>
    <message>
        <source>looking up the project</source>
        <translation>looking up the project</translation>
    </message>
    <message>
        <source>there is no project %1</source>
        <translation>there is no project %1</translation>
    </message>
    <message>
        <source>looking up the supervisor</source>
        <translation>looking up the supervisor</translation>
    </message>
    <message>
        <source>there is no supervisor named &apos;%1&apos;</source>
        <translation>there is no supervisor named &apos;%1&apos;</translation>
    </message>
    <message>
        <source>looking up the user</source>
        <translation>looking up the user</translation>
    </message>
    <message>
        <source>a user named &apos;%1&apos; already exists</source>
        <translation>a user named &apos;%1&apos; already exists</translation>
    </message>
    <message>
        <source>adding the user</source>
        <translation>adding the user</translation>
    </message>
    <message>
        <source>disabling the user</source>
        <translation>disabling the user</translation>
    </message>
    <message>
        <source>there is no user named &apos;%1&apos;</source>
        <translation>there is no user named &apos;%1&apos;</translation>
    </message>
    <message>
        <source>listing users</source>
        <translation>listing users</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>cannot read %1: %2</translation>
    </message>
    <message>
        <source>cannot read media file %1: %2</source>
        <translation>cannot read media file %1: %2</translation>
    </message>
    <message>
        <source>looking up the form</source>
        <translation>looking up the form</translation>
    </message>
    <message>
        <source>adding the form</source>
        <translation>adding the form</translation>
    </message>
    <message>
        <source>looking up the version</source>
        <translation>looking up the version</translation>
    </message>
    <message>
        <source>form %1 version &apos;%2&apos; is already published with different content: give the changed form a new version</source>
        <translation>form %1 version &apos;%2&apos; is already published with different content: give the changed form a new version</translation>
    </message>
    <message>
        <source>storing the form version</source>
        <translation>storing the form version</translation>
    </message>
    <message>
        <source>storing media file %1</source>
        <translation>storing media file %1</translation>
    </message>
    <message>
        <source>making the version current</source>
        <translation>making the version current</translation>
    </message>
    <message>
        <source>media file name &apos;%1&apos; must be a plain file name</source>
        <translation>media file name &apos;%1&apos; must be a plain file name</translation>
    </message>
    <message>
        <source>form %1 version &apos;%2&apos; is already published: give the draft a new version (publish with ?version=…)</source>
        <translation>form %1 version &apos;%2&apos; is already published: give the draft a new version (publish with ?version=…)</translation>
    </message>
    <message>
        <source>reading the form&apos;s media files</source>
        <translation>reading the form&apos;s media files</translation>
    </message>
    <message>
        <source>form %1 has no published version in project %2 to copy: send the XForm as the draft</source>
        <translation>form %1 has no published version in project %2 to copy: send the XForm as the draft</translation>
    </message>
    <message>
        <source>the XForm&apos;s id is &apos;%1&apos;, not &apos;%2&apos;: a draft must keep its form&apos;s id</source>
        <translation>the XForm&apos;s id is &apos;%1&apos;, not &apos;%2&apos;: a draft must keep its form&apos;s id</translation>
    </message>
    <message>
        <source>the form does not refer to a media file named &apos;%1&apos;</source>
        <translation>the form does not refer to a media file named &apos;%1&apos;</translation>
    </message>
    <message>
        <source>form %1 already exists in project %2: send its new version to /v1/projects/%2/forms/%1/draft</source>
        <translation>form %1 already exists in project %2: send its new version to /v1/projects/%2/forms/%1/draft</translation>
    </message>
    <message>
        <source>there is no form %1 in project %2</source>
        <translation>there is no form %1 in project %2</translation>
    </message>
    <message>
        <source>replacing the draft</source>
        <translation>replacing the draft</translation>
    </message>
    <message>
        <source>storing the draft</source>
        <translation>storing the draft</translation>
    </message>
    <message>
        <source>looking up the draft</source>
        <translation>looking up the draft</translation>
    </message>
    <message>
        <source>form %1 has no draft in project %2</source>
        <translation>form %1 has no draft in project %2</translation>
    </message>
    <message>
        <source>the draft of form %1 refers to no media files</source>
        <translation>the draft of form %1 refers to no media files</translation>
    </message>
    <message>
        <source>the draft of form %1 does not refer to &apos;%2&apos;; it refers to: %3</source>
        <translation>the draft of form %1 does not refer to &apos;%2&apos;; it refers to: %3</translation>
    </message>
    <message>
        <source>replacing media file %1</source>
        <translation>replacing media file %1</translation>
    </message>
    <message>
        <source>removing media file %1</source>
        <translation>removing media file %1</translation>
    </message>
    <message>
        <source>the draft of form %1 has no media file &apos;%2&apos;</source>
        <translation>the draft of form %1 has no media file &apos;%2&apos;</translation>
    </message>
    <message>
        <source>removing the draft</source>
        <translation>removing the draft</translation>
    </message>
    <message>
        <source>removing the unpublished form</source>
        <translation>removing the unpublished form</translation>
    </message>
    <message>
        <source>the form reads the data file &apos;%1&apos;, which is not uploaded yet: send it to /v1/projects/%2/forms/%3/draft/attachments/%1 first</source>
        <translation>the form reads the data file &apos;%1&apos;, which is not uploaded yet: send it to /v1/projects/%2/forms/%3/draft/attachments/%1 first</translation>
    </message>
    <message>
        <source>unknown form state &apos;%1&apos; (use open, closing or closed)</source>
        <translation>unknown form state &apos;%1&apos; (use open, closing or closed)</translation>
    </message>
    <message>
        <source>changing the form&apos;s state</source>
        <translation>changing the form&apos;s state</translation>
    </message>
    <message>
        <source>cannot set the version: the form has no primary instance</source>
        <translation>cannot set the version: the form has no primary instance</translation>
    </message>
    <message>
        <source>cannot set the version: the instance&apos;s start tag was not found</source>
        <translation>cannot set the version: the instance&apos;s start tag was not found</translation>
    </message>
    <message>
        <source>a user name has 1 to 64 characters</source>
        <translation>a user name has 1 to 64 characters</translation>
    </message>
    <message>
        <source>a user name may not begin or end with a space</source>
        <translation>a user name may not begin or end with a space</translation>
    </message>
    <message>
        <source>a user name may not hold &apos;:&apos;, &apos;/&apos;, &apos;\&apos;, line breaks or other control characters</source>
        <translation>a user name may not hold &apos;:&apos;, &apos;/&apos;, &apos;\&apos;, line breaks or other control characters</translation>
    </message>
    <message>
        <source>supervisor &apos;%1&apos; belongs to project %2, not project %3</source>
        <translation>supervisor &apos;%1&apos; belongs to project %2, not project %3</translation>
    </message>
    <message>
        <source>counting the admins</source>
        <translation>counting the admins</translation>
    </message>
    <message>
        <source>%1 is the last active admin: add or enable another admin first</source>
        <translation>%1 is the last active admin: add or enable another admin first</translation>
    </message>
    <message>
        <source>ending the user&apos;s sessions</source>
        <translation>ending the user&apos;s sessions</translation>
    </message>
    <message>
        <source>enabling the user</source>
        <translation>enabling the user</translation>
    </message>
    <message>
        <source>a project needs a name of 1 to 200 characters</source>
        <translation>a project needs a name of 1 to 200 characters</translation>
    </message>
    <message>
        <source>adding the project</source>
        <translation>adding the project</translation>
    </message>
    <message>
        <source>listing projects</source>
        <translation>listing projects</translation>
    </message>
    <message>
        <source>%1 is in the old Excel format (.xls): save it as an Excel Workbook (.xlsx) and publish that</source>
        <translation>%1 is in the old Excel format (.xls): save it as an Excel Workbook (.xlsx) and publish that</translation>
    </message>
    <message>
        <source>%1 is larger than a form can be</source>
        <translation>%1 is larger than a form can be</translation>
    </message>
</context>
<context>
    <name>AnalysisPage</name>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>Analysis</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filters</translation>
    </message>
    <message>
        <source>Save as CSV</source>
        <translation>Save as CSV</translation>
    </message>
    <message>
        <source>Folder for the CSV files</source>
        <translation>Folder for the CSV files</translation>
    </message>
    <message>
        <source>No finalized or pulled submissions of this form on this device yet.</source>
        <translation>No finalized or pulled submissions of this form on this device yet.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n submissions</source>
        <translation>
            <numerusform>%1 of %n submissions</numerusform>
            <numerusform>%1 of %n submissions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n could not be read)</source>
        <translation>
            <numerusform> (%n could not be read)</numerusform>
            <numerusform> (%n could not be read)</numerusform>
        </translation>
    </message>
    <message>
        <source>Approved only</source>
        <translation>Approved only</translation>
    </message>
    <message>
        <source>All enumerators</source>
        <translation>All enumerators</translation>
    </message>
    <message>
        <source>From (YYYY-MM-DD)</source>
        <translation>From (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>To (YYYY-MM-DD)</source>
        <translation>To (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>No answer filter</source>
        <translation>No answer filter</translation>
    </message>
    <message>
        <source>No grouping</source>
        <translation>No grouping</translation>
    </message>
    <message>
        <source>By %1</source>
        <translation>By %1</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>Questions</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>Baseline</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Forecast</translation>
    </message>
    <message>
        <source>Demand</source>
        <translation>Demand</translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>Folder for the report</source>
        <translation>Folder for the report</translation>
    </message>
</context>
<context>
    <name>BarcodeAnswer</name>
    <message>
        <source>Scan</source>
        <translation>Scan</translation>
    </message>
    <message>
        <source>Read from a picture…</source>
        <translation>Read from a picture…</translation>
    </message>
</context>
<context>
    <name>BaselineView</name>
    <message>
        <source>95% interval %1–%2</source>
        <translation>95% interval %1–%2</translation>
    </message>
    <message>
        <source>Per household, kgCO2 a year</source>
        <translation>Per household, kgCO2 a year</translation>
    </message>
    <message>
        <source>Per person, kgCO2 a year</source>
        <translation>Per person, kgCO2 a year</translation>
    </message>
    <message>
        <source>mean %1</source>
        <translation>mean %1</translation>
    </message>
    <message numerus="yes">
        <source>median %1 · %2 · %n households</source>
        <translation>
            <numerusform>median %1 · %2 · %n households</numerusform>
            <numerusform>median %1 · %2 · %n households</numerusform>
        </translation>
    </message>
    <message>
        <source>The city&apos;s households, tCO2 a year</source>
        <translation>The city&apos;s households, tCO2 a year</translation>
    </message>
    <message>
        <source>Not known</source>
        <translation>Not known</translation>
    </message>
    <message>
        <source>Give the number of households of every surveyed group below.</source>
        <translation>Give the number of households of every surveyed group below.</translation>
    </message>
    <message>
        <source>Mean per household by source, kgCO2 a year</source>
        <translation>Mean per household by source, kgCO2 a year</translation>
    </message>
    <message>
        <source>kgCO2</source>
        <translation>kgCO2</translation>
    </message>
    <message>
        <source>Mean per household by group, kgCO2 a year</source>
        <translation>Mean per household by group, kgCO2 a year</translation>
    </message>
    <message numerus="yes">
        <source>%1: mean %2, %3, %n households</source>
        <translation>
            <numerusform>%1: mean %2, %3, %n households</numerusform>
            <numerusform>%1: mean %2, %3, %n households</numerusform>
        </translation>
    </message>
    <message>
        <source>Households in the city</source>
        <translation>Households in the city</translation>
    </message>
    <message>
        <source>Read households from a CSV file</source>
        <translation>Read households from a CSV file</translation>
    </message>
    <message>
        <source>Households per group (CSV: group,households)</source>
        <translation>Households per group (CSV: group,households)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
</context>
<context>
    <name>CameraPage</name>
    <message>
        <source>Take a photo</source>
        <translation>Take a photo</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>The camera failed: %1</source>
        <translation>The camera failed: %1</translation>
    </message>
    <message>
        <source>The photo was not taken: %1</source>
        <translation>The photo was not taken: %1</translation>
    </message>
    <message>
        <source>Take</source>
        <translation>Take</translation>
    </message>
</context>
<context>
    <name>ChoiceFilter</name>
    <message>
        <source>Type to narrow the list</source>
        <translation>Type to narrow the list</translation>
    </message>
</context>
<context>
    <name>CsvReport</name>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>%1 cannot be written: %2</translation>
    </message>
    <message>
        <source>The folder %1 cannot be made.</source>
        <translation>The folder %1 cannot be made.</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 failed: %2</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>cannot create the folder %1</translation>
    </message>
    <message>
        <source>the Qt SQL driver for this database is not installed</source>
        <translation>the Qt SQL driver for this database is not installed</translation>
    </message>
    <message>
        <source>cannot open the database: %1</source>
        <translation>cannot open the database: %1</translation>
    </message>
    <message>
        <source>reading the schema version</source>
        <translation>reading the schema version</translation>
    </message>
    <message>
        <source>the database has schema version %1, newer than this server (%2): use a newer survey-sync</source>
        <translation>the database has schema version %1, newer than this server (%2): use a newer survey-sync</translation>
    </message>
    <message>
        <source>%1 failed: the server cannot write to its disk (%2). Nothing was half-stored; free space on the server, then try again</source>
        <translation>%1 failed: the server cannot write to its disk (%2). Nothing was half-stored; free space on the server, then try again</translation>
    </message>
    <message>
        <source>starting a change</source>
        <translation>starting a change</translation>
    </message>
    <message>
        <source>saving the change</source>
        <translation>saving the change</translation>
    </message>
    <message>
        <source>undoing a refused change</source>
        <translation>undoing a refused change</translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>the database URL &apos;%1&apos; names no file (write sqlite:PATH)</source>
        <translation>the database URL &apos;%1&apos; names no file (write sqlite:PATH)</translation>
    </message>
    <message>
        <source>the database URL &apos;%1&apos; is not postgresql://USER:PASS@HOST:PORT/DB</source>
        <translation>the database URL &apos;%1&apos; is not postgresql://USER:PASS@HOST:PORT/DB</translation>
    </message>
    <message>
        <source>unknown database URL &apos;%1&apos; (use sqlite:PATH or postgresql://USER:PASS@HOST:PORT/DB)</source>
        <translation>unknown database URL &apos;%1&apos; (use sqlite:PATH or postgresql://USER:PASS@HOST:PORT/DB)</translation>
    </message>
</context>
<context>
    <name>Dataset</name>
    <message>
        <source>its root element is &lt;%1&gt;, not the form&apos;s &lt;%2&gt;</source>
        <translation>its root element is &lt;%1&gt;, not the form&apos;s &lt;%2&gt;</translation>
    </message>
    <message>
        <source>%1: the submission cannot be read (%2); it is left out.</source>
        <translation>%1: the submission cannot be read (%2); it is left out.</translation>
    </message>
</context>
<context>
    <name>DateChart</name>
    <message>
        <source>Submissions</source>
        <translation>Submissions</translation>
    </message>
</context>
<context>
    <name>DateTimeAnswer</name>
    <message>
        <source>Choose a date…</source>
        <translation>Choose a date…</translation>
    </message>
    <message>
        <source>Choose a time…</source>
        <translation>Choose a time…</translation>
    </message>
</context>
<context>
    <name>DateTimeDialog</name>
    <message>
        <source>Choose a date</source>
        <translation>Choose a date</translation>
    </message>
    <message>
        <source>Choose a time</source>
        <translation>Choose a time</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Approve this submission</source>
        <translation>Approve this submission</translation>
    </message>
    <message>
        <source>Send back to the enumerator</source>
        <translation>Send back to the enumerator</translation>
    </message>
    <message>
        <source>Reject this submission</source>
        <translation>Reject this submission</translation>
    </message>
    <message>
        <source>The enumerator gets it back on their device with your comment, and corrects it.</source>
        <translation>The enumerator gets it back on their device with your comment, and corrects it.</translation>
    </message>
    <message>
        <source>The enumerator is told it was rejected, with your comment.</source>
        <translation>The enumerator is told it was rejected, with your comment.</translation>
    </message>
    <message>
        <source>A comment is optional.</source>
        <translation>A comment is optional.</translation>
    </message>
    <message>
        <source>Comment for the enumerator (required)</source>
        <translation>Comment for the enumerator (required)</translation>
    </message>
    <message>
        <source>Comment (optional)</source>
        <translation>Comment (optional)</translation>
    </message>
    <message>
        <source>No question is flagged: flag answers on the page to point the enumerator to them.</source>
        <translation>No question is flagged: flag answers on the page to point the enumerator to them.</translation>
    </message>
    <message numerus="yes">
        <source>%n flagged question(s):</source>
        <translation>
            <numerusform>%n flagged question:</numerusform>
            <numerusform>%n flagged questions:</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>Send back</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Reject</translation>
    </message>
</context>
<context>
    <name>DemandView</name>
    <message numerus="yes">
        <source>%1 of %n enterprises are interested in at least one service.</source>
        <translation>
            <numerusform>%1 of %n enterprises are interested in at least one service.</numerusform>
            <numerusform>%1 of %n enterprises are interested in at least one service.</numerusform>
        </translation>
    </message>
    <message>
        <source>Interested, % of enterprises</source>
        <translation>Interested, % of enterprises</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>By %1</source>
        <translation>By %1</translation>
    </message>
    <message>
        <source>Willingness to pay a year (%1)</source>
        <translation>Willingness to pay a year (%1)</translation>
    </message>
    <message>
        <source>Energy spend of the enterprises counted: %1 %2 a year. At %3 of the spend of those interested in a service, the savings would be %4 %2 a year.</source>
        <translation>Energy spend of the enterprises counted: %1 %2 a year. At %3 of the spend of those interested in a service, the savings would be %4 %2 a year.</translation>
    </message>
</context>
<context>
    <name>Expression</name>
    <message>
        <source>&apos;/&apos; can only follow a node-set, not a %1</source>
        <translation>&apos;/&apos; can only follow a node-set, not a %1</translation>
    </message>
    <message>
        <source>&apos;|&apos; joins node-sets only, not a %1</source>
        <translation>&apos;|&apos; joins node-sets only, not a %1</translation>
    </message>
    <message>
        <source>a predicate can only filter a node-set, not a %1</source>
        <translation>a predicate can only filter a node-set, not a %1</translation>
    </message>
    <message>
        <source>argument %1 of %2() must be a node-set, not a %3</source>
        <translation>argument %1 of %2() must be a node-set, not a %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a list of geopoints (&quot;lat lon [alt acc]&quot; separated by &apos;;&apos;)</source>
        <translation>&apos;%1&apos; is not a list of geopoints (&quot;lat lon [alt acc]&quot; separated by &apos;;&apos;)</translation>
    </message>
    <message>
        <source>there is no instance with id &apos;%1&apos;</source>
        <translation>there is no instance with id &apos;%1&apos;</translation>
    </message>
    <message>
        <source>invalid regular expression &apos;%1&apos;: %2</source>
        <translation>invalid regular expression &apos;%1&apos;: %2</translation>
    </message>
    <message>
        <source>weighted-checklist() needs its values and weights in pairs</source>
        <translation>weighted-checklist() needs its values and weights in pairs</translation>
    </message>
    <message>
        <source>uuid() length must be between 0 and 100000</source>
        <translation>uuid() length must be between 0 and 100000</translation>
    </message>
    <message>
        <source>digest(): unknown algorithm &apos;%1&apos; (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)</source>
        <translation>digest(): unknown algorithm &apos;%1&apos; (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)</translation>
    </message>
    <message>
        <source>digest(): unknown encoding &apos;%1&apos; (use base64 or hex)</source>
        <translation>digest(): unknown encoding &apos;%1&apos; (use base64 or hex)</translation>
    </message>
    <message>
        <source>randomize(): the seed must be a number</source>
        <translation>randomize(): the seed must be a number</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid date</source>
        <translation>&apos;%1&apos; is not a valid date</translation>
    </message>
    <message>
        <source>%1 is not a valid date</source>
        <translation>%1 is not a valid date</translation>
    </message>
    <message>
        <source>indexed-repeat() takes a node and then pairs of repeat and index</source>
        <translation>indexed-repeat() takes a node and then pairs of repeat and index</translation>
    </message>
    <message>
        <source>pulldata(): there is no data file &apos;%1&apos;</source>
        <translation>pulldata(): there is no data file &apos;%1&apos;</translation>
    </message>
    <message>
        <source>&apos;!&apos; must be followed by &apos;=&apos;</source>
        <translation>&apos;!&apos; must be followed by &apos;=&apos;</translation>
    </message>
    <message>
        <source>unexpected &apos;:&apos;</source>
        <translation>unexpected &apos;:&apos;</translation>
    </message>
    <message>
        <source>unterminated string literal</source>
        <translation>unterminated string literal</translation>
    </message>
    <message>
        <source>&apos;$&apos; must be followed by a variable name</source>
        <translation>&apos;$&apos; must be followed by a variable name</translation>
    </message>
    <message>
        <source>malformed number</source>
        <translation>malformed number</translation>
    </message>
    <message>
        <source>unexpected character &apos;%1&apos;</source>
        <translation>unexpected character &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected an operator but found &apos;%1&apos;</source>
        <translation>expected an operator but found &apos;%1&apos;</translation>
    </message>
    <message>
        <source>a name must follow the prefix &apos;%1:&apos;</source>
        <translation>a name must follow the prefix &apos;%1:&apos;</translation>
    </message>
    <message>
        <source>unexpected %1 after the end of the expression</source>
        <translation>unexpected %1 after the end of the expression</translation>
    </message>
    <message>
        <source>end of expression</source>
        <translation>end of expression</translation>
    </message>
    <message>
        <source>string &apos;%1&apos;</source>
        <translation>string &apos;%1&apos;</translation>
    </message>
    <message>
        <source>number %1</source>
        <translation>number %1</translation>
    </message>
    <message>
        <source>the expression is nested too deeply</source>
        <translation>the expression is nested too deeply</translation>
    </message>
    <message>
        <source>the expression ends where a value was expected</source>
        <translation>the expression ends where a value was expected</translation>
    </message>
    <message>
        <source>expected a value but found %1</source>
        <translation>expected a value but found %1</translation>
    </message>
    <message>
        <source>a location step must follow &apos;/&apos;, found %1</source>
        <translation>a location step must follow &apos;/&apos;, found %1</translation>
    </message>
    <message>
        <source>unknown axis &apos;%1&apos;</source>
        <translation>unknown axis &apos;%1&apos;</translation>
    </message>
    <message>
        <source>expected &apos;(&apos;</source>
        <translation>expected &apos;(&apos;</translation>
    </message>
    <message>
        <source>expected &apos;)&apos; to close %1()</source>
        <translation>expected &apos;)&apos; to close %1()</translation>
    </message>
    <message>
        <source>expected a node test but found %1</source>
        <translation>expected a node test but found %1</translation>
    </message>
    <message>
        <source>namespace prefix &apos;%1&apos; is not declared</source>
        <translation>namespace prefix &apos;%1&apos; is not declared</translation>
    </message>
    <message>
        <source>expected &apos;]&apos; to close the predicate, found %1</source>
        <translation>expected &apos;]&apos; to close the predicate, found %1</translation>
    </message>
    <message>
        <source>variable references ($%1) are not supported in forms</source>
        <translation>variable references ($%1) are not supported in forms</translation>
    </message>
    <message>
        <source>expected &apos;)&apos; but found %1</source>
        <translation>expected &apos;)&apos; but found %1</translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;)&apos; in the arguments of %1(), found %2</source>
        <translation>expected &apos;,&apos; or &apos;)&apos; in the arguments of %1(), found %2</translation>
    </message>
    <message>
        <source>unknown function: %1()</source>
        <translation>unknown function: %1()</translation>
    </message>
    <message numerus="yes">
        <source>%1() takes %n argument(s), not %2</source>
        <translation>
            <numerusform>%1() takes %n argument, not %2</numerusform>
            <numerusform>%1() takes %n arguments, not %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1() cannot take %n argument(s)</source>
        <translation>
            <numerusform>%1() cannot take %n argument</numerusform>
            <numerusform>%1() cannot take %n arguments</numerusform>
        </translation>
    </message>
    <message>
        <source>the expression needs too much work (more than %1 node visits); simplify it</source>
        <translation>the expression needs too much work (more than %1 node visits); simplify it</translation>
    </message>
    <message>
        <source>the expression has too many operators in a row (more than %1)</source>
        <translation>the expression has too many operators in a row (more than %1)</translation>
    </message>
    <message>
        <source>the expression is nested too deeply (more than %1 levels)</source>
        <translation>the expression is nested too deeply (more than %1 levels)</translation>
    </message>
    <message>
        <source>the text grows beyond %1 characters</source>
        <translation>the text grows beyond %1 characters</translation>
    </message>
</context>
<context>
    <name>ExternalData</name>
    <message>
        <source>the CSV file has an unterminated quoted field</source>
        <translation>the CSV file has an unterminated quoted field</translation>
    </message>
    <message>
        <source>the CSV file is empty: it needs a header row</source>
        <translation>the CSV file is empty: it needs a header row</translation>
    </message>
    <message>
        <source>CSV column %1 has the name &apos;%2&apos;, which cannot be used as an element name</source>
        <translation>CSV column %1 has the name &apos;%2&apos;, which cannot be used as an element name</translation>
    </message>
    <message>
        <source>unsupported: external instance source &apos;%1&apos; (supported: jr://file/NAME.xml, jr://file/NAME.csv, jr://file-csv/NAME.csv)</source>
        <translation>unsupported: external instance source &apos;%1&apos; (supported: jr://file/NAME.xml, jr://file/NAME.csv, jr://file-csv/NAME.csv)</translation>
    </message>
    <message>
        <source>external file name &apos;%1&apos; must be a plain file name</source>
        <translation>external file name &apos;%1&apos; must be a plain file name</translation>
    </message>
    <message>
        <source>the external file &apos;%1&apos; is missing: put it in the form&apos;s media folder (%2)</source>
        <translation>the external file &apos;%1&apos; is missing: put it in the form&apos;s media folder (%2)</translation>
    </message>
    <message>
        <source>none given</source>
        <translation>none given</translation>
    </message>
    <message>
        <source>%1:%2:%3: %4</source>
        <translation>%1:%2:%3: %4</translation>
    </message>
    <message>
        <source>the GeoJSON file is not valid JSON: %1</source>
        <translation>the GeoJSON file is not valid JSON: %1</translation>
    </message>
    <message>
        <source>the GeoJSON file must hold a FeatureCollection</source>
        <translation>the GeoJSON file must hold a FeatureCollection</translation>
    </message>
    <message>
        <source>GeoJSON feature %1 has a malformed position</source>
        <translation>GeoJSON feature %1 has a malformed position</translation>
    </message>
    <message>
        <source>unsupported: GeoJSON feature %1 has geometry &apos;%2&apos; (supported: Point, LineString, Polygon)</source>
        <translation>unsupported: GeoJSON feature %1 has geometry &apos;%2&apos; (supported: Point, LineString, Polygon)</translation>
    </message>
    <message>
        <source>GeoJSON property &apos;%1&apos; cannot be used as an element name</source>
        <translation>GeoJSON property &apos;%1&apos; cannot be used as an element name</translation>
    </message>
    <message>
        <source>the external file &apos;%1&apos; is missing: add it to the form&apos;s media files</source>
        <translation>the external file &apos;%1&apos; is missing: add it to the form&apos;s media files</translation>
    </message>
</context>
<context>
    <name>FinalizePage</name>
    <message>
        <source>Not finished yet</source>
        <translation>Not finished yet</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s) left</source>
        <translation>
            <numerusform>%n problem left</numerusform>
            <numerusform>%n problems left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <source>Welcome</source>
        <translation>Welcome</translation>
    </message>
    <message>
        <source>Survey Collector</source>
        <translation>Survey Collector</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Use forms on this device only</source>
        <translation>Use forms on this device only</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>https://…/v1/projects/1</source>
        <translation>https://…/v1/projects/1</translation>
    </message>
    <message>
        <source>Show password</source>
        <translation>Show password</translation>
    </message>
</context>
<context>
    <name>ForecastView</name>
    <message>
        <source>The forecast needs the city&apos;s households: give them on the Baseline tab.</source>
        <translation>The forecast needs the city&apos;s households: give them on the Baseline tab.</translation>
    </message>
    <message>
        <source>Baseline %1</source>
        <translation>Baseline %1</translation>
    </message>
    <message>
        <source>tCO2 a year</source>
        <translation>tCO2 a year</translation>
    </message>
    <message>
        <source>%1: %2 tCO2 (95% interval %3–%4), %5 kgCO2 per household</source>
        <translation>%1: %2 tCO2 (95% interval %3–%4), %5 kgCO2 per household</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>Scenarios</translation>
    </message>
    <message>
        <source>Grid factor falls, % a year</source>
        <translation>Grid factor falls, % a year</translation>
    </message>
    <message>
        <source>Cooking and heating moved to electricity by %1, %</source>
        <translation>Cooking and heating moved to electricity by %1, %</translation>
    </message>
    <message>
        <source>Vehicles made electric by %1, %</source>
        <translation>Vehicles made electric by %1, %</translation>
    </message>
    <message>
        <source>Households grow, % a year</source>
        <translation>Households grow, % a year</translation>
    </message>
</context>
<context>
    <name>FormCommands</name>
    <message>
        <source>usage: %1
</source>
        <translation>usage: %1
</translation>
    </message>
    <message numerus="yes">
        <source>%1: &quot;%2&quot; formID=%3 version=%4: %n question(s), %5 group(s), %6 repeat(s), languages: %7
</source>
        <translation>
            <numerusform>%1: &quot;%2&quot; formID=%3 version=%4: %n question, %5 group(s), %6 repeat(s), languages: %7
</numerusform>
            <numerusform>%1: &quot;%2&quot; formID=%3 version=%4: %n questions, %5 group(s), %6 repeat(s), languages: %7
</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>%1: error: cannot read the answers: %2
</source>
        <translation>%1: error: cannot read the answers: %2
</translation>
    </message>
    <message>
        <source>%1: error: the answers must be a JSON object of path: value (%2)
</source>
        <translation>%1: error: the answers must be a JSON object of path: value (%2)
</translation>
    </message>
    <message>
        <source>found another JSON value</source>
        <translation>found another JSON value</translation>
    </message>
    <message>
        <source>%1 does not exist in this form</source>
        <translation>%1 does not exist in this form</translation>
    </message>
    <message>
        <source>warning: the form has no language &apos;%1&apos; (it has: %2); messages are in %3
</source>
        <translation>warning: the form has no language &apos;%1&apos; (it has: %2); messages are in %3
</translation>
    </message>
    <message>
        <source>%1: warning: %2
</source>
        <translation>%1: warning: %2
</translation>
    </message>
</context>
<context>
    <name>FormDefinition</name>
    <message>
        <source>cannot read the form: %1</source>
        <translation>cannot read the form: %1</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <source>Save and exit</source>
        <translation>Save and exit</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Saved</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>Questions</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>Supervisor: %1</translation>
    </message>
    <message>
        <source>Add a new &quot;%1&quot;?</source>
        <translation>Add a new &quot;%1&quot;?</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Do not add; go on</source>
        <translation>Do not add; go on</translation>
    </message>
    <message>
        <source>You are at the end of the form.</source>
        <translation>You are at the end of the form.</translation>
    </message>
    <message>
        <source>Finalize</source>
        <translation>Finalize</translation>
    </message>
    <message>
        <source>Save as draft and exit</source>
        <translation>Save as draft and exit</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Previous</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>Remove this entry…</source>
        <translation>Remove this entry…</translation>
    </message>
    <message>
        <source>Remove this entry?</source>
        <translation>Remove this entry?</translation>
    </message>
    <message>
        <source>Its answers are deleted from this record.</source>
        <translation>Its answers are deleted from this record.</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Choose a file</translation>
    </message>
    <message numerus="yes">
        <source>%n entered so far</source>
        <translation>
            <numerusform>%n entered so far</numerusform>
            <numerusform>%n entered so far</numerusform>
        </translation>
    </message>
    <message>
        <source>Your answers are already saved (Ctrl+W)</source>
        <translation>Your answers are already saved (Ctrl+W)</translation>
    </message>
    <message>
        <source>Every question, to go to any of them (Ctrl+G)</source>
        <translation>Every question, to go to any of them (Ctrl+G)</translation>
    </message>
    <message>
        <source>Check every answer and mark the record ready to send (Ctrl+Enter)</source>
        <translation>Check every answer and mark the record ready to send (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Previous page (Page Up, Alt+Left)</source>
        <translation>Previous page (Page Up, Alt+Left)</translation>
    </message>
    <message>
        <source>Next page (Page Down, Alt+Right)</source>
        <translation>Next page (Page Down, Alt+Right)</translation>
    </message>
    <message>
        <source>Choose a picture of the code</source>
        <translation>Choose a picture of the code</translation>
    </message>
    <message>
        <source>Pictures (*.jpg *.jpeg *.png *.bmp *.gif *.webp)</source>
        <translation>Pictures (*.jpg *.jpeg *.png *.bmp *.gif *.webp)</translation>
    </message>
    <message>
        <source>Language of this form</source>
        <translation>Language of this form</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Close this record (Ctrl+W)</source>
        <translation>Close this record (Ctrl+W)</translation>
    </message>
    <message>
        <source>Sent · read only</source>
        <translation>Sent · read only</translation>
    </message>
    <message>
        <source>This record was sent. It can be read here, not changed.</source>
        <translation>This record was sent. It can be read here, not changed.</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>More</source>
        <translation>More</translation>
    </message>
</context>
<context>
    <name>FormParser</name>
    <message>
        <source>dependency cycle: %1 (each of these computes from the next)</source>
        <translation>dependency cycle: %1 (each of these computes from the next)</translation>
    </message>
    <message>
        <source>%1: %2 &quot;%3&quot;: %4</source>
        <translation>%1: %2 &quot;%3&quot;: %4</translation>
    </message>
    <message>
        <source>the root element must be &lt;h:html&gt;, not %1</source>
        <translation>the root element must be &lt;h:html&gt;, not %1</translation>
    </message>
    <message>
        <source>&lt;h:body&gt; must come after &lt;h:head&gt; and its &lt;model&gt;</source>
        <translation>&lt;h:body&gt; must come after &lt;h:head&gt; and its &lt;model&gt;</translation>
    </message>
    <message>
        <source>the form has no &lt;h:head&gt;</source>
        <translation>the form has no &lt;h:head&gt;</translation>
    </message>
    <message>
        <source>the form has no &lt;model&gt; in &lt;h:head&gt;</source>
        <translation>the form has no &lt;model&gt; in &lt;h:head&gt;</translation>
    </message>
    <message>
        <source>unsupported: entities spec version %1 (supported: 2022.1 to 2025.1)</source>
        <translation>unsupported: entities spec version %1 (supported: 2022.1 to 2025.1)</translation>
    </message>
    <message>
        <source>the &lt;model&gt; has no &lt;instance&gt;</source>
        <translation>the &lt;model&gt; has no &lt;instance&gt;</translation>
    </message>
    <message numerus="yes">
        <source>the primary &lt;instance&gt; must hold exactly one root element, it holds %n</source>
        <translation>
            <numerusform>the primary &lt;instance&gt; must hold exactly one root element, it holds %n</numerusform>
            <numerusform>the primary &lt;instance&gt; must hold exactly one root element, it holds %n</numerusform>
        </translation>
    </message>
    <message>
        <source>unsupported: &lt;send&gt; actions (a CommCare extension)</source>
        <translation>unsupported: &lt;send&gt; actions (a CommCare extension)</translation>
    </message>
    <message>
        <source>a secondary &lt;instance&gt; needs an id attribute</source>
        <translation>a secondary &lt;instance&gt; needs an id attribute</translation>
    </message>
    <message>
        <source>two instances have the id &apos;%1&apos;</source>
        <translation>two instances have the id &apos;%1&apos;</translation>
    </message>
    <message>
        <source>instance &apos;%1&apos;: there is no primary instance to copy</source>
        <translation>instance &apos;%1&apos;: there is no primary instance to copy</translation>
    </message>
    <message>
        <source>instance &apos;%1&apos;: %2</source>
        <translation>instance &apos;%1&apos;: %2</translation>
    </message>
    <message>
        <source>instance &apos;%1&apos; is empty</source>
        <translation>instance &apos;%1&apos; is empty</translation>
    </message>
    <message>
        <source>&lt;output&gt; needs a value attribute</source>
        <translation>&lt;output&gt; needs a value attribute</translation>
    </message>
    <message>
        <source>&lt;text&gt; needs an id attribute</source>
        <translation>&lt;text&gt; needs an id attribute</translation>
    </message>
    <message>
        <source>unsupported: %1 ref=&quot;%2&quot; (only jr:itext(&apos;id&apos;) is supported here)</source>
        <translation>unsupported: %1 ref=&quot;%2&quot; (only jr:itext(&apos;id&apos;) is supported here)</translation>
    </message>
    <message>
        <source>unsupported: %1 with a computed reference &quot;%2&quot;</source>
        <translation>unsupported: %1 with a computed reference &quot;%2&quot;</translation>
    </message>
    <message>
        <source>&lt;repeat&gt; needs a nodeset attribute</source>
        <translation>&lt;repeat&gt; needs a nodeset attribute</translation>
    </message>
    <message>
        <source>unsupported: %1 %2=&quot;%3&quot; is not a plain path</source>
        <translation>unsupported: %1 %2=&quot;%3&quot; is not a plain path</translation>
    </message>
    <message>
        <source>the %1 expression for %2</source>
        <translation>the %1 expression for %2</translation>
    </message>
    <message>
        <source>unsupported: &lt;action&gt; blocks (use setvalue with an event attribute)</source>
        <translation>unsupported: &lt;action&gt; blocks (use setvalue with an event attribute)</translation>
    </message>
    <message>
        <source>%1 must be in the ODK namespace (%2), write it as odk:setgeopoint</source>
        <translation>%1 must be in the ODK namespace (%2), write it as odk:setgeopoint</translation>
    </message>
    <message>
        <source>%1 needs an event attribute</source>
        <translation>%1 needs an event attribute</translation>
    </message>
    <message>
        <source>the odk-new-repeat event belongs in the body, inside the &lt;repeat&gt; it reacts to, not in the &lt;model&gt;</source>
        <translation>the odk-new-repeat event belongs in the body, inside the &lt;repeat&gt; it reacts to, not in the &lt;model&gt;</translation>
    </message>
    <message>
        <source>the xforms-value-changed event belongs inside the control whose value it watches, not in the &lt;model&gt;</source>
        <translation>the xforms-value-changed event belongs inside the control whose value it watches, not in the &lt;model&gt;</translation>
    </message>
    <message>
        <source>unsupported: event &apos;%1&apos; on %2 (supported: odk-instance-first-load, odk-instance-load, odk-new-repeat, xforms-value-changed)</source>
        <translation>unsupported: event &apos;%1&apos; on %2 (supported: odk-instance-first-load, odk-instance-load, odk-new-repeat, xforms-value-changed)</translation>
    </message>
    <message>
        <source>%1 needs a ref attribute</source>
        <translation>%1 needs a ref attribute</translation>
    </message>
    <message>
        <source>%1 directly in the body needs an enclosing control or repeat</source>
        <translation>%1 directly in the body needs an enclosing control or repeat</translation>
    </message>
    <message>
        <source>%1 jr:imageDimensionScaledMax=&quot;%2&quot; is not a size in pixels (e.g. 800px)</source>
        <translation>%1 jr:imageDimensionScaledMax=&quot;%2&quot; is not a size in pixels (e.g. 800px)</translation>
    </message>
    <message>
        <source>%1 bind=&quot;%2&quot; names no &lt;bind id&gt;</source>
        <translation>%1 bind=&quot;%2&quot; names no &lt;bind id&gt;</translation>
    </message>
    <message>
        <source>&lt;item&gt; needs a &lt;value&gt;</source>
        <translation>&lt;item&gt; needs a &lt;value&gt;</translation>
    </message>
    <message>
        <source>%1 for %2 has no choices (no &lt;item&gt; and no &lt;itemset&gt;)</source>
        <translation>%1 for %2 has no choices (no &lt;item&gt; and no &lt;itemset&gt;)</translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs a nodeset attribute</source>
        <translation>&lt;itemset&gt; needs a nodeset attribute</translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs &lt;value ref=&quot;…&quot;/&gt;</source>
        <translation>&lt;itemset&gt; needs &lt;value ref=&quot;…&quot;/&gt;</translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs &lt;label ref=&quot;…&quot;/&gt;</source>
        <translation>&lt;itemset&gt; needs &lt;label ref=&quot;…&quot;/&gt;</translation>
    </message>
    <message>
        <source>a &lt;repeat&gt; cannot repeat the primary instance&apos;s root element (%1)</source>
        <translation>a &lt;repeat&gt; cannot repeat the primary instance&apos;s root element (%1)</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>line %1: %2</translation>
    </message>
    <message>
        <source>a &lt;translation&gt; without a lang attribute is taken as the language &apos;default&apos;</source>
        <translation>a &lt;translation&gt; without a lang attribute is taken as the language &apos;default&apos;</translation>
    </message>
    <message>
        <source>%1 %2=&quot;%3&quot; refers to %4, which is not in the primary instance; it is ignored</source>
        <translation>%1 %2=&quot;%3&quot; refers to %4, which is not in the primary instance; it is ignored</translation>
    </message>
    <message>
        <source>a &lt;bind&gt; without a nodeset is ignored</source>
        <translation>a &lt;bind&gt; without a nodeset is ignored</translation>
    </message>
    <message>
        <source>the data type &apos;%1&apos; on the bind for %2 is not an XForms type; the answer is kept as text</source>
        <translation>the data type &apos;%1&apos; on the bind for %2 is not an XForms type; the answer is kept as text</translation>
    </message>
    <message>
        <source>the body element %1 is not an XForms control; it is skipped</source>
        <translation>the body element %1 is not an XForms control; it is skipped</translation>
    </message>
    <message>
        <source>choice value &apos;%1&apos; contains a space: as a multiple-choice answer it reads as several values</source>
        <translation>choice value &apos;%1&apos; contains a space: as a multiple-choice answer it reads as several values</translation>
    </message>
    <message>
        <source>%1 refers to itext id &apos;%2&apos;, which no &lt;translation&gt; defines: it is shown empty</source>
        <translation>%1 refers to itext id &apos;%2&apos;, which no &lt;translation&gt; defines: it is shown empty</translation>
    </message>
    <message>
        <source>&lt;range&gt; needs numeric start, end and step, with a positive step not larger than end - start (start=&quot;%1&quot; end=&quot;%2&quot; step=&quot;%3&quot;)</source>
        <translation>&lt;range&gt; needs numeric start, end and step, with a positive step not larger than end - start (start=&quot;%1&quot; end=&quot;%2&quot; step=&quot;%3&quot;)</translation>
    </message>
    <message>
        <source>&lt;range&gt; step %1 does not divide %2 to %3: the end cannot be chosen</source>
        <translation>&lt;range&gt; step %1 does not divide %2 to %3: the end cannot be chosen</translation>
    </message>
</context>
<context>
    <name>FormSession</name>
    <message>
        <source>the saved instance is not readable XML (%1:%2): %3</source>
        <translation>the saved instance is not readable XML (%1:%2): %3</translation>
    </message>
    <message>
        <source>the saved instance has root &lt;%1&gt; but the form expects &lt;%2&gt;</source>
        <translation>the saved instance has root &lt;%1&gt; but the form expects &lt;%2&gt;</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an absolute instance path</source>
        <translation>&apos;%1&apos; is not an absolute instance path</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid step in %2</source>
        <translation>&apos;%1&apos; is not a valid step in %2</translation>
    </message>
    <message>
        <source>an attribute can only be the last step of %1</source>
        <translation>an attribute can only be the last step of %1</translation>
    </message>
    <message>
        <source>%1 does not exist in this form</source>
        <translation>%1 does not exist in this form</translation>
    </message>
    <message numerus="yes">
        <source>%1: the repeat has %n instance(s) and its count is set by the form</source>
        <translation>
            <numerusform>%1: the repeat has %n instance and its count is set by the form</numerusform>
            <numerusform>%1: the repeat has %n instances and its count is set by the form</numerusform>
        </translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a whole number</source>
        <translation>&apos;%1&apos; is not a whole number</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a number</source>
        <translation>&apos;%1&apos; is not a number</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date (YYYY-MM-DD)</source>
        <translation>&apos;%1&apos; is not a date (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a time (HH:MM:SS)</source>
        <translation>&apos;%1&apos; is not a time (HH:MM:SS)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date and time (YYYY-MM-DDTHH:MM:SS)</source>
        <translation>&apos;%1&apos; is not a date and time (YYYY-MM-DDTHH:MM:SS)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not true or false</source>
        <translation>&apos;%1&apos; is not true or false</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a location (&quot;latitude longitude [altitude accuracy]&quot;)</source>
        <translation>&apos;%1&apos; is not a location (&quot;latitude longitude [altitude accuracy]&quot;)</translation>
    </message>
    <message>
        <source>a shape needs at least 4 points, the last equal to the first</source>
        <translation>a shape needs at least 4 points, the last equal to the first</translation>
    </message>
    <message>
        <source>a trace needs at least 2 points</source>
        <translation>a trace needs at least 2 points</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not one of the choices</source>
        <translation>&apos;%1&apos; is not one of the choices</translation>
    </message>
    <message>
        <source>this node is not part of the form</source>
        <translation>this node is not part of the form</translation>
    </message>
    <message>
        <source>This question requires an answer.</source>
        <translation>This question requires an answer.</translation>
    </message>
    <message>
        <source>This answer is not allowed.</source>
        <translation>This answer is not allowed.</translation>
    </message>
    <message>
        <source>This answer has the wrong type.</source>
        <translation>This answer has the wrong type.</translation>
    </message>
    <message>
        <source>This question does not exist in the form.</source>
        <translation>This question does not exist in the form.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a value of this range (%2 to %3 in steps of %4)</source>
        <translation>&apos;%1&apos; is not a value of this range (%2 to %3 in steps of %4)</translation>
    </message>
    <message>
        <source>positions in %1 start at 1</source>
        <translation>positions in %1 start at 1</translation>
    </message>
    <message>
        <source>position %1 in %2 is beyond the %3 repeat instances a form may have</source>
        <translation>position %1 in %2 is beyond the %3 repeat instances a form may have</translation>
    </message>
    <message>
        <source>the form would grow beyond %1 answers; no more repeat instances were added</source>
        <translation>the form would grow beyond %1 answers; no more repeat instances were added</translation>
    </message>
    <message>
        <source>it needs more memory than the device allows</source>
        <translation>it needs more memory than the device allows</translation>
    </message>
    <message>
        <source>it cannot be computed (%1)</source>
        <translation>it cannot be computed (%1)</translation>
    </message>
    <message>
        <source>The calculation of this answer</source>
        <translation>The calculation of this answer</translation>
    </message>
    <message>
        <source>The condition for showing this question</source>
        <translation>The condition for showing this question</translation>
    </message>
    <message>
        <source>The condition that makes this question required</source>
        <translation>The condition that makes this question required</translation>
    </message>
    <message>
        <source>The condition that makes this question read-only</source>
        <translation>The condition that makes this question read-only</translation>
    </message>
    <message>
        <source>The rule that checks this answer</source>
        <translation>The rule that checks this answer</translation>
    </message>
    <message>
        <source>The number of entries of this repeat</source>
        <translation>The number of entries of this repeat</translation>
    </message>
    <message>
        <source>The list of choices of this question</source>
        <translation>The list of choices of this question</translation>
    </message>
    <message>
        <source>A value the form sets here</source>
        <translation>A value the form sets here</translation>
    </message>
    <message>
        <source>%1 could not be worked out: %2 (expression: %3). The form needs fixing; tell whoever made it.</source>
        <translation>%1 could not be worked out: %2 (expression: %3). The form needs fixing; tell whoever made it.</translation>
    </message>
    <message>
        <source>Part of the form could not be worked out.</source>
        <translation>Part of the form could not be worked out.</translation>
    </message>
    <message>
        <source>its value &apos;%1&apos; is not a number</source>
        <translation>its value &apos;%1&apos; is not a number</translation>
    </message>
</context>
<context>
    <name>GroupCommit</name>
    <message>
        <source>the server cannot open its database: %1</source>
        <translation>the server cannot open its database: %1</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Survey Collector</source>
        <translation>Survey Collector</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Search records</source>
        <translation>Search records</translation>
    </message>
    <message>
        <source>Returned for correction</source>
        <translation>Returned for correction</translation>
    </message>
    <message>
        <source>Forms</source>
        <translation>Forms</translation>
    </message>
    <message>
        <source>No forms yet. Add a form file, or sign in to a server in Settings.</source>
        <translation>No forms yet. Add a form file, or sign in to a server in Settings.</translation>
    </message>
    <message>
        <source>No forms yet. Send / receive to download the project&apos;s forms.</source>
        <translation>No forms yet. Send / receive to download the project&apos;s forms.</translation>
    </message>
    <message>
        <source>version %1</source>
        <translation>version %1</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>Drafts</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Send and receive</source>
        <translation>Send and receive</translation>
    </message>
    <message>
        <source>Ready to send</source>
        <translation>Ready to send</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>Send what is ready, get new forms and returned records (F5)</source>
        <translation>Send what is ready, get new forms and returned records (F5)</translation>
    </message>
    <message>
        <source>Nothing is waiting to be sent.</source>
        <translation>Nothing is waiting to be sent.</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) waiting to be sent</source>
        <translation>
            <numerusform>%n record waiting to be sent</numerusform>
            <numerusform>%n records waiting to be sent</numerusform>
        </translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Review</translation>
    </message>
    <message numerus="yes">
        <source>Review: %n waiting</source>
        <translation>
            <numerusform>Review: %n waiting</numerusform>
            <numerusform>Review: %n waiting</numerusform>
        </translation>
    </message>
    <message>
        <source>Add a form</source>
        <translation>Add a form</translation>
    </message>
    <message>
        <source>Forms (*.xml *.xlsx)</source>
        <translation>Forms (*.xml *.xlsx)</translation>
    </message>
    <message>
        <source>XForms (*.xml)</source>
        <translation>XForms (*.xml)</translation>
    </message>
    <message>
        <source>XLSForm spreadsheets (*.xlsx)</source>
        <translation>XLSForm spreadsheets (*.xlsx)</translation>
    </message>
    <message>
        <source>Add a form from a file</source>
        <translation>Add a form from a file</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>Analysis</translation>
    </message>
</context>
<context>
    <name>InstanceScan</name>
    <message>
        <source>&lt;%1&gt; is not closed</source>
        <translation>&lt;%1&gt; is not closed</translation>
    </message>
    <message>
        <source>there is no element</source>
        <translation>there is no element</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>line %1: %2</translation>
    </message>
    <message>
        <source>the document ends inside markup</source>
        <translation>the document ends inside markup</translation>
    </message>
    <message>
        <source>text outside the root element</source>
        <translation>text outside the root element</translation>
    </message>
    <message>
        <source>a document type declaration is not allowed</source>
        <translation>a document type declaration is not allowed</translation>
    </message>
    <message>
        <source>a second root element</source>
        <translation>a second root element</translation>
    </message>
    <message>
        <source>the document ends inside a tag</source>
        <translation>the document ends inside a tag</translation>
    </message>
    <message>
        <source>an attribute without a value</source>
        <translation>an attribute without a value</translation>
    </message>
    <message>
        <source>an attribute value without quotes</source>
        <translation>an attribute value without quotes</translation>
    </message>
    <message>
        <source>elements nest more than %1 deep</source>
        <translation>elements nest more than %1 deep</translation>
    </message>
    <message>
        <source>an end tag that is not closed</source>
        <translation>an end tag that is not closed</translation>
    </message>
    <message>
        <source>&lt;/%1&gt; does not close the open element</source>
        <translation>&lt;/%1&gt; does not close the open element</translation>
    </message>
    <message>
        <source>an &amp; that does not start an entity</source>
        <translation>an &amp; that does not start an entity</translation>
    </message>
    <message>
        <source>&amp;%1; is not a character</source>
        <translation>&amp;%1; is not a character</translation>
    </message>
    <message>
        <source>&amp;%1; is not an entity XML defines</source>
        <translation>&amp;%1; is not an entity XML defines</translation>
    </message>
</context>
<context>
    <name>LocationAnswer</name>
    <message>
        <source>Finding the location…</source>
        <translation>Finding the location…</translation>
    </message>
    <message>
        <source>Record location</source>
        <translation>Record location</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Waiting for the first fix…</source>
        <translation>Waiting for the first fix…</translation>
    </message>
    <message>
        <source>Found, accuracy unknown</source>
        <translation>Found, accuracy unknown</translation>
    </message>
    <message>
        <source>Best so far: accuracy %1 m</source>
        <translation>Best so far: accuracy %1 m</translation>
    </message>
    <message>
        <source>accuracy %1 m</source>
        <translation>accuracy %1 m</translation>
    </message>
    <message>
        <source>Use this location</source>
        <translation>Use this location</translation>
    </message>
    <message>
        <source>Use this location (±%1 m)</source>
        <translation>Use this location (±%1 m)</translation>
    </message>
</context>
<context>
    <name>LocationChart</name>
    <message>
        <source>Locations</source>
        <translation>Locations</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>Longitude</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>Latitude</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Survey Collector</source>
        <translation>Survey Collector</translation>
    </message>
</context>
<context>
    <name>NumberChart</name>
    <message>
        <source>min %1 · median %2 · mean %3 · max %4</source>
        <translation>min %1 · median %2 · mean %3 · max %4</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Mean</translation>
    </message>
    <message>
        <source>Submissions</source>
        <translation>Submissions</translation>
    </message>
    <message>
        <source>%1: no answers</source>
        <translation>%1: no answers</translation>
    </message>
    <message numerus="yes">
        <source>%1: median %2, mean %3 (%n answers)</source>
        <translation>
            <numerusform>%1: median %2, mean %3 (%n answers)</numerusform>
            <numerusform>%1: median %2, mean %3 (%n answers)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OpenRosaServer</name>
    <message>
        <source>sign in: this server needs a user name and password</source>
        <translation>sign in: this server needs a user name and password</translation>
    </message>
    <message>
        <source>the sign-in header is malformed</source>
        <translation>the sign-in header is malformed</translation>
    </message>
    <message>
        <source>the server cannot read its database; try again later</source>
        <translation>the server cannot read its database; try again later</translation>
    </message>
    <message>
        <source>the user name or password is wrong</source>
        <translation>the user name or password is wrong</translation>
    </message>
    <message>
        <source>%1 may not use project %2</source>
        <translation>%1 may not use project %2</translation>
    </message>
    <message>
        <source>this is an OpenRosa endpoint: send the header X-OpenRosa-Version: 1.0</source>
        <translation>this is an OpenRosa endpoint: send the header X-OpenRosa-Version: 1.0</translation>
    </message>
    <message>
        <source>there is no such form in project %1</source>
        <translation>there is no such form in project %1</translation>
    </message>
    <message>
        <source>there is no such media file</source>
        <translation>there is no such media file</translation>
    </message>
    <message>
        <source>send submissions with POST</source>
        <translation>send submissions with POST</translation>
    </message>
    <message>
        <source>a submission is multipart/form-data with a part named xml_submission_file</source>
        <translation>a submission is multipart/form-data with a part named xml_submission_file</translation>
    </message>
    <message>
        <source>the submission is not readable XML (line %1, column %2): %3</source>
        <translation>the submission is not readable XML (line %1, column %2): %3</translation>
    </message>
    <message>
        <source>there is no form &apos;%1&apos; in project %2</source>
        <translation>there is no form &apos;%1&apos; in project %2</translation>
    </message>
    <message>
        <source>the form &apos;%1&apos; is closed to new submissions</source>
        <translation>the form &apos;%1&apos; is closed to new submissions</translation>
    </message>
    <message>
        <source>version &apos;%1&apos; of form &apos;%2&apos; is not published here; update the form on the device</source>
        <translation>version &apos;%1&apos; of form &apos;%2&apos; is not published here; update the form on the device</translation>
    </message>
    <message>
        <source>the published form cannot be loaded: %1</source>
        <translation>the published form cannot be loaded: %1</translation>
    </message>
    <message>
        <source>the submission does not match form &apos;%1&apos; version &apos;%2&apos;: %3</source>
        <translation>the submission does not match form &apos;%1&apos; version &apos;%2&apos;: %3</translation>
    </message>
    <message>
        <source>the submission has no meta/instanceID</source>
        <translation>the submission has no meta/instanceID</translation>
    </message>
    <message>
        <source>storing the submission</source>
        <translation>storing the submission</translation>
    </message>
    <message>
        <source>a different submission with instanceID %1 is already stored; an edit needs a new instanceID and deprecatedID %1</source>
        <translation>a different submission with instanceID %1 is already stored; an edit needs a new instanceID and deprecatedID %1</translation>
    </message>
    <message>
        <source>this submission was already received; nothing stored twice</source>
        <translation>this submission was already received; nothing stored twice</translation>
    </message>
    <message>
        <source>deprecatedID %1 names no stored submission</source>
        <translation>deprecatedID %1 names no stored submission</translation>
    </message>
    <message>
        <source>deprecatedID %1 is not the current version of its submission: the edit started from an old copy</source>
        <translation>deprecatedID %1 is not the current version of its submission: the edit started from an old copy</translation>
    </message>
    <message>
        <source>submission received</source>
        <translation>submission received</translation>
    </message>
    <message>
        <source>corrected submission received</source>
        <translation>corrected submission received</translation>
    </message>
    <message>
        <source>the server failed on this request; the data stored before it is intact</source>
        <translation>the server failed on this request; the data stored before it is intact</translation>
    </message>
    <message>
        <source>the request body must be a JSON object</source>
        <translation>the request body must be a JSON object</translation>
    </message>
    <message>
        <source>the session has expired or does not exist: sign in again</source>
        <translation>the session has expired or does not exist: sign in again</translation>
    </message>
    <message>
        <source>starting the session</source>
        <translation>starting the session</translation>
    </message>
    <message>
        <source>there is no such submission</source>
        <translation>there is no such submission</translation>
    </message>
    <message>
        <source>reviewState must be approved, hasIssues or rejected</source>
        <translation>reviewState must be approved, hasIssues or rejected</translation>
    </message>
    <message>
        <source>only the enumerator&apos;s supervisor or an admin may review this submission</source>
        <translation>only the enumerator&apos;s supervisor or an admin may review this submission</translation>
    </message>
    <message>
        <source>sending a submission back needs a comment for the enumerator</source>
        <translation>sending a submission back needs a comment for the enumerator</translation>
    </message>
    <message>
        <source>a comment needs a body</source>
        <translation>a comment needs a body</translation>
    </message>
    <message>
        <source>storing the comment</source>
        <translation>storing the comment</translation>
    </message>
    <message>
        <source>only supervisors and admins may export submissions</source>
        <translation>only supervisors and admins may export submissions</translation>
    </message>
    <message>
        <source>no room for the export on the server&apos;s disk</source>
        <translation>no room for the export on the server&apos;s disk</translation>
    </message>
    <message>
        <source>the export archive cannot be created</source>
        <translation>the export archive cannot be created</translation>
    </message>
    <message>
        <source>the export archive cannot be written</source>
        <translation>the export archive cannot be written</translation>
    </message>
    <message>
        <source>only admins may read the audit log</source>
        <translation>only admins may read the audit log</translation>
    </message>
    <message>
        <source>target must be a whole number, 0 or more</source>
        <translation>target must be a whole number, 0 or more</translation>
    </message>
    <message>
        <source>there is no such form or enumerator in project %1</source>
        <translation>there is no such form or enumerator in project %1</translation>
    </message>
    <message>
        <source>only the enumerator&apos;s supervisor or an admin may set their assignment</source>
        <translation>only the enumerator&apos;s supervisor or an admin may set their assignment</translation>
    </message>
    <message>
        <source>storing the assignment</source>
        <translation>storing the assignment</translation>
    </message>
    <message>
        <source>only admins may manage users</source>
        <translation>only admins may manage users</translation>
    </message>
    <message>
        <source>the form has no language &apos;%1&apos; (it has: %2)</source>
        <translation>the form has no language &apos;%1&apos; (it has: %2)</translation>
    </message>
    <message>
        <source>TLS needs both a certificate (--tls-cert) and its key (--tls-key)</source>
        <translation>TLS needs both a certificate (--tls-cert) and its key (--tls-key)</translation>
    </message>
    <message>
        <source>a multipart form upload needs the XForm in a part named &apos;form&apos;</source>
        <translation>a multipart form upload needs the XForm in a part named &apos;form&apos;</translation>
    </message>
    <message>
        <source>media file %1 is sent twice</source>
        <translation>media file %1 is sent twice</translation>
    </message>
    <message>
        <source>only admins may change forms</source>
        <translation>only admins may change forms</translation>
    </message>
    <message>
        <source>there is no form %1 in project %2</source>
        <translation>there is no form %1 in project %2</translation>
    </message>
    <message>
        <source>send {&quot;state&quot;: &quot;open&quot;}, {&quot;state&quot;: &quot;closing&quot;} or {&quot;state&quot;: &quot;closed&quot;}</source>
        <translation>send {&quot;state&quot;: &quot;open&quot;}, {&quot;state&quot;: &quot;closing&quot;} or {&quot;state&quot;: &quot;closed&quot;}</translation>
    </message>
    <message>
        <source>form %1 has no published version in project %2</source>
        <translation>form %1 has no published version in project %2</translation>
    </message>
    <message>
        <source>form %1 has no draft in project %2</source>
        <translation>form %1 has no draft in project %2</translation>
    </message>
    <message>
        <source>send the XForm as the request body</source>
        <translation>send the XForm as the request body</translation>
    </message>
    <message>
        <source>the draft of form %1 has no media file &apos;%2&apos;</source>
        <translation>the draft of form %1 has no media file &apos;%2&apos;</translation>
    </message>
    <message>
        <source>the version to publish as must not be empty</source>
        <translation>the version to publish as must not be empty</translation>
    </message>
    <message>
        <source>the submission is larger than this server takes (%1 MB); the device should send its attachments in several parts</source>
        <translation>the submission is larger than this server takes (%1 MB); the device should send its attachments in several parts</translation>
    </message>
    <message>
        <source>the submission&apos;s multipart body is malformed or was cut off: %1</source>
        <translation>the submission&apos;s multipart body is malformed or was cut off: %1</translation>
    </message>
    <message>
        <source>submission %1: its XML cannot be read (%2); it is not in the CSV files</source>
        <translation>submission %1: its XML cannot be read (%2); it is not in the CSV files</translation>
    </message>
    <message>
        <source>submission file &apos;%1&apos; is stored as attachment-%2: its name is not a plain file name</source>
        <translation>submission file &apos;%1&apos; is stored as attachment-%2: its name is not a plain file name</translation>
    </message>
    <message numerus="yes">
        <source>too many failed sign-ins for this account or from this address; try again in %n second(s)</source>
        <translation>
            <numerusform>too many failed sign-ins for this account or from this address; try again in %n second</numerusform>
            <numerusform>too many failed sign-ins for this account or from this address; try again in %n seconds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>a submission request may carry at most %n files; send the rest in further requests</source>
        <translation>
            <numerusform>a submission request may carry at most %n file; send the rest in further requests</numerusform>
            <numerusform>a submission request may carry at most %n files; send the rest in further requests</numerusform>
        </translation>
    </message>
    <message>
        <source>use the OpenRosa form uuid:… (printable characters, no &apos;/&apos; or &apos;\&apos;, at most %1)</source>
        <translation>use the OpenRosa form uuid:… (printable characters, no &apos;/&apos; or &apos;\&apos;, at most %1)</translation>
    </message>
    <message>
        <source>the instanceID is not acceptable: %1</source>
        <translation>the instanceID is not acceptable: %1</translation>
    </message>
    <message>
        <source>the deprecatedID is not acceptable: %1</source>
        <translation>the deprecatedID is not acceptable: %1</translation>
    </message>
    <message>
        <source>the attachment name &apos;%1&apos; is not a plain file name (one name, no folders, no control characters, at most %2 bytes)</source>
        <translation>the attachment name &apos;%1&apos; is not a plain file name (one name, no folders, no control characters, at most %2 bytes)</translation>
    </message>
    <message>
        <source>the attachment &apos;%1&apos; is sent twice in one request</source>
        <translation>the attachment &apos;%1&apos; is sent twice in one request</translation>
    </message>
    <message>
        <source>instanceID %1 is already taken by another submission; an edit needs a new instanceID and deprecatedID %1</source>
        <translation>instanceID %1 is already taken by another submission; an edit needs a new instanceID and deprecatedID %1</translation>
    </message>
    <message numerus="yes">
        <source>Left out %n file(s) the submission does not refer to: %1</source>
        <translation>
            <numerusform>Left out %n file the submission does not refer to: %1</numerusform>
            <numerusform>Left out %n files the submission does not refer to: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>send the request body as JSON, with Content-Type: application/json</source>
        <translation>send the request body as JSON, with Content-Type: application/json</translation>
    </message>
    <message>
        <source>there is no such session</source>
        <translation>there is no such session</translation>
    </message>
    <message>
        <source>the request came too slowly and was cut off; send it again</source>
        <translation>the request came too slowly and was cut off; send it again</translation>
    </message>
    <message>
        <source>the request is larger than the server takes for it (at most %1 bytes)</source>
        <translation>the request is larger than the server takes for it (at most %1 bytes)</translation>
    </message>
    <message>
        <source>the request&apos;s headers are too large</source>
        <translation>the request&apos;s headers are too large</translation>
    </message>
    <message>
        <source>the request&apos;s address is too long</source>
        <translation>the request&apos;s address is too long</translation>
    </message>
    <message>
        <source>too many connections from your address at once; try again later</source>
        <translation>too many connections from your address at once; try again later</translation>
    </message>
    <message>
        <source>the server has no room on its disk for the request; try again later</source>
        <translation>the server has no room on its disk for the request; try again later</translation>
    </message>
    <message>
        <source>the request is malformed: %1</source>
        <translation>the request is malformed: %1</translation>
    </message>
    <message>
        <source>there is nothing at this address</source>
        <translation>there is nothing at this address</translation>
    </message>
    <message>
        <source>requests from the pages of other sites are refused</source>
        <translation>requests from the pages of other sites are refused</translation>
    </message>
    <message>
        <source>cannot use the TLS certificate %1 with the key %2: both must be readable PEM files and the key must belong to the certificate (%3)</source>
        <translation>cannot use the TLS certificate %1 with the key %2: both must be readable PEM files and the key must belong to the certificate (%3)</translation>
    </message>
    <message>
        <source>cannot listen on %1:%2 (%3)</source>
        <translation>cannot listen on %1:%2 (%3)</translation>
    </message>
    <message>
        <source>form version %1 is not in the database</source>
        <translation>form version %1 is not in the database</translation>
    </message>
    <message>
        <source>a comment may be at most %1 characters</source>
        <translation>a comment may be at most %1 characters</translation>
    </message>
    <message>
        <source>the flag&apos;s path %1 names nothing in this submission</source>
        <translation>the flag&apos;s path %1 names nothing in this submission</translation>
    </message>
    <message>
        <source>the submission has a newer version (%1) than the one reviewed (%2)</source>
        <translation>the submission has a newer version (%1) than the one reviewed (%2)</translation>
    </message>
    <message>
        <source>someone else reviewed the submission meanwhile: it is now %1</source>
        <translation>someone else reviewed the submission meanwhile: it is now %1</translation>
    </message>
    <message>
        <source>decisionId must be 8 to 80 letters, digits, &apos;-&apos; or &apos;:&apos;</source>
        <translation>decisionId must be 8 to 80 letters, digits, &apos;-&apos; or &apos;:&apos;</translation>
    </message>
    <message>
        <source>baseVersion or baseReviewState is too long</source>
        <translation>baseVersion or baseReviewState is too long</translation>
    </message>
    <message>
        <source>flags must be a list of at most %1 {&quot;path&quot;, &quot;note&quot;} objects</source>
        <translation>flags must be a list of at most %1 {&quot;path&quot;, &quot;note&quot;} objects</translation>
    </message>
    <message>
        <source>a flag&apos;s path must name a question, as /data/group/question (with [n] for a repeat&apos;s entry)</source>
        <translation>a flag&apos;s path must name a question, as /data/group/question (with [n] for a repeat&apos;s entry)</translation>
    </message>
    <message>
        <source>a flag&apos;s note may be at most %1 characters</source>
        <translation>a flag&apos;s note may be at most %1 characters</translation>
    </message>
    <message>
        <source>questions are flagged only when sending back (hasIssues)</source>
        <translation>questions are flagged only when sending back (hasIssues)</translation>
    </message>
    <message>
        <source>storing the review</source>
        <translation>storing the review</translation>
    </message>
    <message>
        <source>only supervisors and admins review submissions</source>
        <translation>only supervisors and admins review submissions</translation>
    </message>
    <message>
        <source>the submission has no such version</source>
        <translation>the submission has no such version</translation>
    </message>
    <message>
        <source>the submission has no such attachment</source>
        <translation>the submission has no such attachment</translation>
    </message>
    <message>
        <source>the form has no such version</source>
        <translation>the form has no such version</translation>
    </message>
    <message>
        <source>decision %1 was already used for another decision</source>
        <translation>decision %1 was already used for another decision</translation>
    </message>
    <message>
        <source>the submission changed while the review was being stored</source>
        <translation>the submission changed while the review was being stored</translation>
    </message>
    <message>
        <source>The XLSForm is in the old Excel format (.xls): save it as an Excel Workbook (.xlsx) and upload that.</source>
        <translation>The XLSForm is in the old Excel format (.xls): save it as an Excel Workbook (.xlsx) and upload that.</translation>
    </message>
    <message>
        <source>The XLSForm is not valid: %1</source>
        <translation>The XLSForm is not valid: %1</translation>
    </message>
    <message>
        <source>The XLSForm is valid, but with warnings. Check them and, if they are acceptable, send it again with ?ignoreWarnings=true.</source>
        <translation>The XLSForm is valid, but with warnings. Check them and, if they are acceptable, send it again with ?ignoreWarnings=true.</translation>
    </message>
    <message>
        <source>only supervisors and admins may download a form&apos;s XLSForm</source>
        <translation>only supervisors and admins may download a form&apos;s XLSForm</translation>
    </message>
    <message>
        <source>this form was not uploaded as an XLSForm</source>
        <translation>this form was not uploaded as an XLSForm</translation>
    </message>
    <message>
        <source>approvedOnly is true or false</source>
        <translation>approvedOnly is true or false</translation>
    </message>
    <message>
        <source>lang is a language code such as en or zh_CN</source>
        <translation>lang is a language code such as en or zh_CN</translation>
    </message>
    <message>
        <source>the form&apos;s analysis.json is larger than the 1 MB a spec may have: it is not used</source>
        <translation>the form&apos;s analysis.json is larger than the 1 MB a spec may have: it is not used</translation>
    </message>
    <message>
        <source>the form&apos;s analysis.json is not used: %1</source>
        <translation>the form&apos;s analysis.json is not used: %1</translation>
    </message>
    <message>
        <source>only supervisors and admins may see the analysis of a form</source>
        <translation>only supervisors and admins may see the analysis of a form</translation>
    </message>
    <message>
        <source>the server is working out another analysis; try again in a few seconds</source>
        <translation>the server is working out another analysis; try again in a few seconds</translation>
    </message>
</context>
<context>
    <name>OutlinePage</name>
    <message>
        <source>Questions</source>
        <translation>Questions</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Go to the end</source>
        <translation>Go to the end</translation>
    </message>
    <message numerus="yes">
        <source>Add a new &quot;%1&quot;? (%n so far)</source>
        <translation>
            <numerusform>Add a new &quot;%1&quot;? (%n so far)</numerusform>
            <numerusform>Add a new &quot;%1&quot;? (%n so far)</numerusform>
        </translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Required</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>Supervisor: %1</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Password not accepted</source>
        <translation>Password not accepted</translation>
    </message>
    <message>
        <source>Password needed to send</source>
        <translation>Password needed to send</translation>
    </message>
    <message>
        <source>This device cannot keep passwords, so the app does not have yours after a restart.</source>
        <translation>This device cannot keep passwords, so the app does not have yours after a restart.</translation>
    </message>
    <message>
        <source>The device&apos;s password store is locked or did not give the password.</source>
        <translation>The device&apos;s password store is locked or did not give the password.</translation>
    </message>
    <message>
        <source>The server did not accept the password. It may have been changed.</source>
        <translation>The server did not accept the password. It may have been changed.</translation>
    </message>
    <message>
        <source>No password is saved on this device for your account.</source>
        <translation>No password is saved on this device for your account.</translation>
    </message>
    <message>
        <source>Type the password of %1 for %2 to send your records. Your answers on this device are safe either way.</source>
        <translation>Type the password of %1 for %2 to send your records. Your answers on this device are safe either way.</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Show password</source>
        <translation>Show password</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Not now</translation>
    </message>
    <message>
        <source>Use this password</source>
        <translation>Use this password</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <extracomment>Two sentences: why the password is asked for, then what to do</extracomment>
        <translation>%1 %2</translation>
    </message>
</context>
<context>
    <name>PdfReport</name>
    <message>
        <source>95% interval %1–%2</source>
        <translation>95% interval %1–%2</translation>
    </message>
    <message>
        <source>%1: analysis report</source>
        <translation>%1: analysis report</translation>
    </message>
    <message numerus="yes">
        <source>Made on %1 from %n submission(s) (of %2 on the device).</source>
        <translation>
            <numerusform>Made on %1 from %n submission (of %2 on the device).</numerusform>
            <numerusform>Made on %1 from %n submissions (of %2 on the device).</numerusform>
        </translation>
    </message>
    <message>
        <source>Counted: %1.</source>
        <translation>Counted: %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n submission(s) could not be read and are left out.</source>
        <translation>
            <numerusform>%n submission could not be read and are left out.</numerusform>
            <numerusform>%n submissions could not be read and are left out.</numerusform>
        </translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>Emission factors</source>
        <translation>Emission factors</translation>
    </message>
    <message>
        <source>Factor</source>
        <translation>Factor</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Household carbon baseline</source>
        <translation>Household carbon baseline</translation>
    </message>
    <message numerus="yes">
        <source>Per household: mean %1 kgCO2 a year (%2), median %3; %n household(s).</source>
        <translation>
            <numerusform>Per household: mean %1 kgCO2 a year (%2), median %3; %n household.</numerusform>
            <numerusform>Per household: mean %1 kgCO2 a year (%2), median %3; %n households.</numerusform>
        </translation>
    </message>
    <message>
        <source>Per person: mean %1 kgCO2 a year (%2), median %3.</source>
        <translation>Per person: mean %1 kgCO2 a year (%2), median %3.</translation>
    </message>
    <message>
        <source>The city&apos;s households: %1 tCO2 a year (%2).</source>
        <translation>The city&apos;s households: %1 tCO2 a year (%2).</translation>
    </message>
    <message>
        <source>Mean per household by source, kgCO2 a year</source>
        <translation>Mean per household by source, kgCO2 a year</translation>
    </message>
    <message>
        <source>kgCO2</source>
        <translation>kgCO2</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>Mean kgCO2</source>
        <translation>Mean kgCO2</translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation>95% interval</translation>
    </message>
    <message>
        <source>Mean per household by group, kgCO2 a year</source>
        <translation>Mean per household by group, kgCO2 a year</translation>
    </message>
    <message>
        <source>Forecast of the city&apos;s household emissions</source>
        <translation>Forecast of the city&apos;s household emissions</translation>
    </message>
    <message>
        <source>tCO2 a year</source>
        <translation>tCO2 a year</translation>
    </message>
    <message>
        <source>Baseline %1</source>
        <translation>Baseline %1</translation>
    </message>
    <message>
        <source>Scenario</source>
        <translation>Scenario</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>kgCO2 per household</source>
        <translation>kgCO2 per household</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>Scenarios</translation>
    </message>
    <message>
        <source>Grid factor falls, % a year</source>
        <translation>Grid factor falls, % a year</translation>
    </message>
    <message>
        <source>Cooking and heating to electricity by %1, %</source>
        <translation>Cooking and heating to electricity by %1, %</translation>
    </message>
    <message>
        <source>Vehicles electric by %1, %</source>
        <translation>Vehicles electric by %1, %</translation>
    </message>
    <message>
        <source>Households grow, % a year</source>
        <translation>Households grow, % a year</translation>
    </message>
    <message>
        <source>Demand for low-carbon services</source>
        <translation>Demand for low-carbon services</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n enterprise(s) are interested in at least one service.</source>
        <translation>
            <numerusform>%1 of %n enterprise are interested in at least one service.</numerusform>
            <numerusform>%1 of %n enterprises are interested in at least one service.</numerusform>
        </translation>
    </message>
    <message>
        <source>Interested, % of enterprises</source>
        <translation>Interested, % of enterprises</translation>
    </message>
    <message numerus="yes">
        <source>Willingness to pay a year (%1): median %2, mean %3, from %4 to %5; %n answer(s).</source>
        <translation>
            <numerusform>Willingness to pay a year (%1): median %2, mean %3, from %4 to %5; %n answer.</numerusform>
            <numerusform>Willingness to pay a year (%1): median %2, mean %3, from %4 to %5; %n answers.</numerusform>
        </translation>
    </message>
    <message>
        <source>Energy spend of the enterprises counted: %1 %2 a year. At %3% of the spend of those interested in a service, the savings would be %4 %2 a year (%5).</source>
        <translation>Energy spend of the enterprises counted: %1 %2 a year. At %3% of the spend of those interested in a service, the savings would be %4 %2 a year (%5).</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>no answer</translation>
    </message>
    <message>
        <source>Interested by %1</source>
        <translation>Interested by %1</translation>
    </message>
    <message>
        <source>Each question</source>
        <translation>Each question</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %n answered</source>
        <translation>
            <numerusform>%1 — %n answered</numerusform>
            <numerusform>%1 — %n answered</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n without an answer</source>
        <translation>
            <numerusform>, %n without an answer</numerusform>
            <numerusform>, %n without an answer</numerusform>
        </translation>
    </message>
    <message>
        <source>Submissions</source>
        <translation>Submissions</translation>
    </message>
    <message>
        <source>min %1 · median %2 · mean %3 · max %4</source>
        <translation>min %1 · median %2 · mean %3 · max %4</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>from %1 to %2</translation>
    </message>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>%1 cannot be written: %2</translation>
    </message>
    <message>
        <source>%1 cannot be written as a PDF.</source>
        <translation>%1 cannot be written as a PDF.</translation>
    </message>
</context>
<context>
    <name>ProgressChart</name>
    <message>
        <source>Approved</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>Edited</translation>
    </message>
    <message>
        <source>Has issues</source>
        <translation>Has issues</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>On this device</source>
        <translation>On this device</translation>
    </message>
</context>
<context>
    <name>QuestionCard</name>
    <message>
        <source>Calculated · </source>
        <translation>Calculated · </translation>
    </message>
    <message numerus="yes">
        <source>%n answered</source>
        <translation>
            <numerusform>%n answered</numerusform>
            <numerusform>%n answered</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · %n without an answer</source>
        <translation>
            <numerusform> · %n without an answer</numerusform>
            <numerusform> · %n without an answer</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuestionView</name>
    <message>
        <source>More help</source>
        <translation>More help</translation>
    </message>
    <message>
        <source>Supervisor: %1</source>
        <translation>Supervisor: %1</translation>
    </message>
</context>
<context>
    <name>RankAnswer</name>
    <message>
        <source>Move up</source>
        <translation>Move up</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Move down</translation>
    </message>
    <message>
        <source>Keep this order</source>
        <translation>Keep this order</translation>
    </message>
</context>
<context>
    <name>RecordDelegate</name>
    <message>
        <source>Supervisor: %1</source>
        <translation>Supervisor: %1</translation>
    </message>
    <message>
        <source>Corrected. The supervisor had said: %1</source>
        <translation>Corrected. The supervisor had said: %1</translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Search records</source>
        <translation>Search records</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>Newest first</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>By name</translation>
    </message>
</context>
<context>
    <name>RecordSection</name>
    <message>
        <source>Show all %1</source>
        <translation>Show all %1</translation>
    </message>
</context>
<context>
    <name>ReviewCommand</name>
    <message>
        <source>usage: %1
</source>
        <translation>usage: %1
</translation>
    </message>
    <message>
        <source> (not sent yet)</source>
        <translation> (not sent yet)</translation>
    </message>
    <message>
        <source> (your decision was refused: look again)</source>
        <translation> (your decision was refused: look again)</translation>
    </message>
    <message>
        <source>error: form %1 version %2 is not on this device: pull again
</source>
        <translation>error: form %1 version %2 is not on this device: pull again
</translation>
    </message>
    <message>
        <source>error: version %1 does not fit its form: %2
</source>
        <translation>error: version %1 does not fit its form: %2
</translation>
    </message>
    <message>
        <source>error: the form has no language &apos;%1&apos;
</source>
        <translation>error: the form has no language &apos;%1&apos;
</translation>
    </message>
    <message>
        <source>Submission %1 (%2, form %3 version %4)
</source>
        <translation>Submission %1 (%2, form %3 version %4)
</translation>
    </message>
    <message>
        <source>By %1 on device %2; received %3; review state %4
</source>
        <translation>By %1 on device %2; received %3; review state %4
</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unknown)</translation>
    </message>
    <message>
        <source> (computed)</source>
        <translation> (computed)</translation>
    </message>
    <message>
        <source> (file)</source>
        <translation> (file)</translation>
    </message>
    <message>
        <source>Changes since version %1:
</source>
        <translation>Changes since version %1:
</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>Comment by %1 at %2: %3
</source>
        <translation>Comment by %1 at %2: %3
</translation>
    </message>
    <message>
        <source>Flag on %1 by %2: %3
</source>
        <translation>Flag on %1 by %2: %3
</translation>
    </message>
    <message>
        <source>Your decision: %1 (%2)</source>
        <translation>Your decision: %1 (%2)</translation>
    </message>
    <message>
        <source>%1: %2, queued; `survey-cli sync` sends it
</source>
        <translation>%1: %2, queued; `survey-cli sync` sends it
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
        <translation>Your decision is waiting to be sent</translation>
    </message>
    <message>
        <source>Your decision was refused: look again</source>
        <translation>Your decision was refused: look again</translation>
    </message>
    <message>
        <source>Corrected since you last looked</source>
        <translation>Corrected since you last looked</translation>
    </message>
    <message>
        <source>Photos not downloaded yet</source>
        <translation>Photos not downloaded yet</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Review</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Send and receive</source>
        <translation>Send and receive</translation>
    </message>
    <message>
        <source>Download the team&apos;s new submissions and send your decisions (F5)</source>
        <translation>Download the team&apos;s new submissions and send your decisions (F5)</translation>
    </message>
    <message>
        <source>Search by name</source>
        <translation>Search by name</translation>
    </message>
    <message>
        <source>All forms</source>
        <translation>All forms</translation>
    </message>
    <message>
        <source>All enumerators</source>
        <translation>All enumerators</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Any time</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>Newest first</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>Oldest first</translation>
    </message>
    <message>
        <source>By enumerator</source>
        <translation>By enumerator</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>By name</translation>
    </message>
    <message>
        <source>By state</source>
        <translation>By state</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) waiting to be sent</source>
        <translation>
            <numerusform>%n decision waiting to be sent</numerusform>
            <numerusform>%n decisions waiting to be sent</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to review yet. Send and receive to download your team&apos;s submissions.</source>
        <translation>Nothing to review yet. Send and receive to download your team&apos;s submissions.</translation>
    </message>
    <message>
        <source>No submission matches these filters.</source>
        <translation>No submission matches these filters.</translation>
    </message>
</context>
<context>
    <name>ReviewStore</name>
    <message>
        <source>storing pulled submissions</source>
        <translation>storing pulled submissions</translation>
    </message>
    <message>
        <source>reading the attachments to download</source>
        <translation>reading the attachments to download</translation>
    </message>
    <message>
        <source>The file name &apos;%1&apos; is not a plain file name.</source>
        <translation>The file name &apos;%1&apos; is not a plain file name.</translation>
    </message>
    <message>
        <source>reading an attachment</source>
        <translation>reading an attachment</translation>
    </message>
    <message>
        <source>The attachment %1 is not listed for this submission.</source>
        <translation>The attachment %1 is not listed for this submission.</translation>
    </message>
    <message>
        <source>The attachment %1 arrived damaged (its checksum is wrong); it will be downloaded again.</source>
        <translation>The attachment %1 arrived damaged (its checksum is wrong); it will be downloaded again.</translation>
    </message>
    <message>
        <source>saving an attachment</source>
        <translation>saving an attachment</translation>
    </message>
    <message>
        <source>reading the submissions to review</source>
        <translation>reading the submissions to review</translation>
    </message>
    <message>
        <source>reading a submission</source>
        <translation>reading a submission</translation>
    </message>
    <message>
        <source>There is no submission %1 on this device; pull again.</source>
        <translation>There is no submission %1 on this device; pull again.</translation>
    </message>
    <message>
        <source>reading a submission&apos;s versions</source>
        <translation>reading a submission&apos;s versions</translation>
    </message>
    <message>
        <source>reading a submission&apos;s attachments</source>
        <translation>reading a submission&apos;s attachments</translation>
    </message>
    <message>
        <source>reading a submission&apos;s comments</source>
        <translation>reading a submission&apos;s comments</translation>
    </message>
    <message>
        <source>reading a submission&apos;s flags</source>
        <translation>reading a submission&apos;s flags</translation>
    </message>
    <message>
        <source>counting the submissions to review</source>
        <translation>counting the submissions to review</translation>
    </message>
    <message>
        <source>counting the team&apos;s submissions</source>
        <translation>counting the team&apos;s submissions</translation>
    </message>
    <message>
        <source>saving what was seen</source>
        <translation>saving what was seen</translation>
    </message>
    <message>
        <source>A decision is approved, hasIssues or rejected, not &apos;%1&apos;.</source>
        <translation>A decision is approved, hasIssues or rejected, not &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>Sending a submission back or rejecting it needs a comment for the enumerator.</source>
        <translation>Sending a submission back or rejecting it needs a comment for the enumerator.</translation>
    </message>
    <message>
        <source>Questions are flagged only when the submission is sent back.</source>
        <translation>Questions are flagged only when the submission is sent back.</translation>
    </message>
    <message>
        <source>saving the decision</source>
        <translation>saving the decision</translation>
    </message>
    <message>
        <source>reading the decisions</source>
        <translation>reading the decisions</translation>
    </message>
    <message>
        <source>sending a decision</source>
        <translation>sending a decision</translation>
    </message>
    <message>
        <source>saving a sent decision</source>
        <translation>saving a sent decision</translation>
    </message>
    <message>
        <source>saving a failed decision</source>
        <translation>saving a failed decision</translation>
    </message>
    <message>
        <source>saving a refused decision</source>
        <translation>saving a refused decision</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) made on this device as %1 are not sent yet: sign in as that account and send them first.</source>
        <translation>
            <numerusform>%n decision made on this device as %1 are not sent yet: sign in as that account and send them first.</numerusform>
            <numerusform>%n decisions made on this device as %1 are not sent yet: sign in as that account and send them first.</numerusform>
        </translation>
    </message>
    <message>
        <source>forgetting another account&apos;s review copies</source>
        <translation>forgetting another account&apos;s review copies</translation>
    </message>
    <message>
        <source>Submissions of two forms share the instanceID %1: only the first one pulled is kept here. Review the other on the server.</source>
        <translation>Submissions of two forms share the instanceID %1: only the first one pulled is kept here. Review the other on the server.</translation>
    </message>
    <message>
        <source>reading the forms submissions need</source>
        <translation>reading the forms submissions need</translation>
    </message>
    <message>
        <source>reading the pulled submissions</source>
        <translation>reading the pulled submissions</translation>
    </message>
</context>
<context>
    <name>ScannerPage</name>
    <message>
        <source>Scan a code</source>
        <translation>Scan a code</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>The camera failed: %1</source>
        <translation>The camera failed: %1</translation>
    </message>
    <message>
        <source>Hold the code inside the picture; it is read by itself.</source>
        <translation>Hold the code inside the picture; it is read by itself.</translation>
    </message>
</context>
<context>
    <name>SelectChart</name>
    <message>
        <source>Submissions</source>
        <translation>Submissions</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Send automatically</source>
        <translation>Send automatically</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Off</translation>
    </message>
    <message>
        <source>On Wi-Fi only</source>
        <translation>On Wi-Fi only</translation>
    </message>
    <message>
        <source>On any network</source>
        <translation>On any network</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>Text size</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Forms on this device only</source>
        <translation>Forms on this device only</translation>
    </message>
    <message>
        <source>%1 as %2</source>
        <translation>%1 as %2</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>About</source>
        <translation>About</translation>
    </message>
    <message>
        <source>Form language</source>
        <translation>Form language</translation>
    </message>
    <message>
        <source>Same as the app</source>
        <translation>Same as the app</translation>
    </message>
    <message>
        <source>Forms without this language use the app&apos;s language, or their own default.</source>
        <translation>Forms without this language use the app&apos;s language, or their own default.</translation>
    </message>
    <message>
        <source>Survey Collector %1. Free software under the GNU GPL, version 3 or later. Built with Qt (LGPL v3), SQLite (public domain), QtKeychain (BSD), zxing-cpp (Apache 2.0), GStreamer (LGPL), the Noto CJK fonts (OFL) and the Adwaita icons (CC-BY-SA 3.0 or LGPL 3).</source>
        <translation>Survey Collector %1. Free software under the GNU GPL, version 3 or later. Built with Qt (LGPL v3), SQLite (public domain), QtKeychain (BSD), zxing-cpp (Apache 2.0), GStreamer (LGPL), the Noto CJK fonts (OFL) and the Adwaita icons (CC-BY-SA 3.0 or LGPL 3).</translation>
    </message>
</context>
<context>
    <name>SignOutDialog</name>
    <message>
        <source>Sign out?</source>
        <translation>Sign out?</translation>
    </message>
    <message>
        <source>They stay on this device and are sent after you sign in again. Records are only sent while you are signed in.</source>
        <translation>They stay on this device and are sent after you sign in again. Records are only sent while you are signed in.</translation>
    </message>
    <message>
        <source>Everything on this device has been sent. Your records and forms stay on this device.</source>
        <translation>Everything on this device has been sent. Your records and forms stay on this device.</translation>
    </message>
    <message>
        <source>Stay signed in</source>
        <translation>Stay signed in</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message numerus="yes">
        <source>Not sent yet: %n record(s) on this device.</source>
        <translation>
            <numerusform>Not sent yet: %n record on this device.</numerusform>
            <numerusform>Not sent yet: %n records on this device.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Spec</name>
    <message>
        <source>analysis.json, “%1”: %2</source>
        <translation>analysis.json, “%1”: %2</translation>
    </message>
    <message>
        <source>a number from %1 to %2 is needed.</source>
        <translation>a number from %1 to %2 is needed.</translation>
    </message>
    <message>
        <source>a text is needed.</source>
        <translation>a text is needed.</translation>
    </message>
    <message>
        <source>a text, or texts by language ({&quot;en&quot;: …, &quot;zh&quot;: …}), is needed.</source>
        <translation>a text, or texts by language ({&quot;en&quot;: …, &quot;zh&quot;: …}), is needed.</translation>
    </message>
    <message>
        <source>the path of a question (/data/…) is needed.</source>
        <translation>the path of a question (/data/…) is needed.</translation>
    </message>
    <message>
        <source>%1 is not a question of the form.</source>
        <translation>%1 is not a question of the form.</translation>
    </message>
    <message>
        <source>%1 is not a question of the kind this needs (a number or a select one, as the README says).</source>
        <translation>%1 is not a question of the kind this needs (a number or a select one, as the README says).</translation>
    </message>
    <message>
        <source>%1 is inside a repeat: a field with one answer per submission is needed.</source>
        <translation>%1 is inside a repeat: a field with one answer per submission is needed.</translation>
    </message>
    <message>
        <source>at least one source is needed.</source>
        <translation>at least one source is needed.</translation>
    </message>
    <message>
        <source>a name is needed.</source>
        <translation>a name is needed.</translation>
    </message>
    <message>
        <source>two sources have this name.</source>
        <translation>two sources have this name.</translation>
    </message>
    <message>
        <source>“%1” is not one of electricity, heat, vehicle, other.</source>
        <translation>“%1” is not one of electricity, heat, vehicle, other.</translation>
    </message>
    <message>
        <source>households by group need a “group” question.</source>
        <translation>households by group need a “group” question.</translation>
    </message>
    <message>
        <source>a number, or numbers by group ({&quot;urban&quot;: 412000, …}), is needed.</source>
        <translation>a number, or numbers by group ({&quot;urban&quot;: 412000, …}), is needed.</translation>
    </message>
    <message>
        <source>years after the base year, in ascending order, are needed.</source>
        <translation>years after the base year, in ascending order, are needed.</translation>
    </message>
    <message>
        <source>scenarios need a base year.</source>
        <translation>scenarios need a base year.</translation>
    </message>
    <message>
        <source>scenarios need forecast years.</source>
        <translation>scenarios need forecast years.</translation>
    </message>
    <message>
        <source>scenarios need the grid&apos;s emission factor (kgCO2/kWh).</source>
        <translation>scenarios need the grid&apos;s emission factor (kgCO2/kWh).</translation>
    </message>
    <message>
        <source>at least one service is needed.</source>
        <translation>at least one service is needed.</translation>
    </message>
    <message>
        <source>the answers that mean interest are needed.</source>
        <translation>the answers that mean interest are needed.</translation>
    </message>
    <message>
        <source>analysis.json is not a JSON object (%1, at byte %2).</source>
        <translation>analysis.json is not a JSON object (%1, at byte %2).</translation>
    </message>
    <message>
        <source>the spec has neither “household” nor “enterprise”.</source>
        <translation>the spec has neither “household” nor “enterprise”.</translation>
    </message>
</context>
<context>
    <name>StateBadge</name>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>Edited</translation>
    </message>
    <message>
        <source>Has issues</source>
        <translation>Has issues</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <source>Cannot create the data folder %1. Choose a folder the app may write to.</source>
        <translation>Cannot create the data folder %1. Choose a folder the app may write to.</translation>
    </message>
    <message>
        <source>Cannot open the database in %1: %2</source>
        <translation>Cannot open the database in %1: %2</translation>
    </message>
    <message>
        <source>The device storage is full, so %1 did not happen. Free some space (delete sent records or other files); everything saved before is kept.</source>
        <translation>The device storage is full, so %1 did not happen. Free some space (delete sent records or other files); everything saved before is kept.</translation>
    </message>
    <message>
        <source>The storage cannot be written, so %1 did not happen. Check that the folder %2 may be written; everything saved before is kept.</source>
        <translation>The storage cannot be written, so %1 did not happen. Check that the folder %2 may be written; everything saved before is kept.</translation>
    </message>
    <message>
        <source>The database in %1 is damaged (%2). Do not delete it: copy the folder and ask for help.</source>
        <translation>The database in %1 is damaged (%2). Do not delete it: copy the folder and ask for help.</translation>
    </message>
    <message>
        <source>The storage failed while %1: %2. Everything saved before is kept; try again.</source>
        <translation>The storage failed while %1: %2. Everything saved before is kept; try again.</translation>
    </message>
    <message>
        <source>starting to save</source>
        <translation>starting to save</translation>
    </message>
    <message>
        <source>saving failed</source>
        <translation>saving failed</translation>
    </message>
    <message>
        <source>saving</source>
        <translation>saving</translation>
    </message>
    <message>
        <source>reading the database version</source>
        <translation>reading the database version</translation>
    </message>
    <message>
        <source>The data in %1 was written by a newer version of the app (database version %2, this app knows %3). Install the newer app; nothing was changed.</source>
        <translation>The data in %1 was written by a newer version of the app (database version %2, this app knows %3). Install the newer app; nothing was changed.</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>cannot create the folder %1</translation>
    </message>
    <message>
        <source>The device storage is full, so %1 was not saved. Free some space; everything saved before is kept.</source>
        <translation>The device storage is full, so %1 was not saved. Free some space; everything saved before is kept.</translation>
    </message>
    <message>
        <source>The storage cannot be written, so %1 was not saved.</source>
        <translation>The storage cannot be written, so %1 was not saved.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Everything saved before is kept.</source>
        <translation>Cannot write %1: %2. Everything saved before is kept.</translation>
    </message>
    <message>
        <source>The media file name &apos;%1&apos; is not a plain file name.</source>
        <translation>The media file name &apos;%1&apos; is not a plain file name.</translation>
    </message>
    <message>
        <source>The form cannot be used (line %1, column %2): %3</source>
        <translation>The form cannot be used (line %1, column %2): %3</translation>
    </message>
    <message>
        <source>Form %1 version %2 is already on this device with different content; a changed form needs a new version.</source>
        <translation>Form %1 version %2 is already on this device with different content; a changed form needs a new version.</translation>
    </message>
    <message>
        <source>adding the form</source>
        <translation>adding the form</translation>
    </message>
    <message>
        <source>saving a media file</source>
        <translation>saving a media file</translation>
    </message>
    <message>
        <source>listing forms</source>
        <translation>listing forms</translation>
    </message>
    <message>
        <source>reading a form</source>
        <translation>reading a form</translation>
    </message>
    <message>
        <source>There is no such form on this device.</source>
        <translation>There is no such form on this device.</translation>
    </message>
    <message>
        <source>The form &apos;%1&apos; is not on this device: add it or sync with the server first.</source>
        <translation>The form &apos;%1&apos; is not on this device: add it or sync with the server first.</translation>
    </message>
    <message>
        <source>Form &apos;%1&apos; version &apos;%2&apos; is not on this device.</source>
        <translation>Form &apos;%1&apos; version &apos;%2&apos; is not on this device.</translation>
    </message>
    <message>
        <source>reading a form&apos;s media</source>
        <translation>reading a form&apos;s media</translation>
    </message>
    <message>
        <source>A record needs an instanceID.</source>
        <translation>A record needs an instanceID.</translation>
    </message>
    <message>
        <source>A record %1 already exists, or its form is not on this device.</source>
        <translation>A record %1 already exists, or its form is not on this device.</translation>
    </message>
    <message>
        <source>creating the record</source>
        <translation>creating the record</translation>
    </message>
    <message>
        <source>reading a record</source>
        <translation>reading a record</translation>
    </message>
    <message>
        <source>There is no record %1 on this device.</source>
        <translation>There is no record %1 on this device.</translation>
    </message>
    <message>
        <source>listing records</source>
        <translation>listing records</translation>
    </message>
    <message>
        <source>Record %1 is %2 and cannot become %3.</source>
        <translation>Record %1 is %2 and cannot become %3.</translation>
    </message>
    <message>
        <source>changing the record&apos;s state</source>
        <translation>changing the record&apos;s state</translation>
    </message>
    <message>
        <source>saving the answer</source>
        <translation>saving the answer</translation>
    </message>
    <message>
        <source>Record %1 is %2: only a draft can be changed.</source>
        <translation>Record %1 is %2: only a draft can be changed.</translation>
    </message>
    <message>
        <source>finalizing the record</source>
        <translation>finalizing the record</translation>
    </message>
    <message>
        <source>reopening the record</source>
        <translation>reopening the record</translation>
    </message>
    <message>
        <source>marking the record sent</source>
        <translation>marking the record sent</translation>
    </message>
    <message>
        <source>storing a returned record</source>
        <translation>storing a returned record</translation>
    </message>
    <message>
        <source>reopening the returned record</source>
        <translation>reopening the returned record</translation>
    </message>
    <message>
        <source>Record %1 is %2: only sent records can be removed.</source>
        <translation>Record %1 is %2: only sent records can be removed.</translation>
    </message>
    <message>
        <source>removing the record</source>
        <translation>removing the record</translation>
    </message>
    <message>
        <source>The file name &apos;%1&apos; is not a plain file name.</source>
        <translation>The file name &apos;%1&apos; is not a plain file name.</translation>
    </message>
    <message>
        <source>Record %1 is %2: only a draft can take files.</source>
        <translation>Record %1 is %2: only a draft can take files.</translation>
    </message>
    <message>
        <source>saving the file</source>
        <translation>saving the file</translation>
    </message>
    <message>
        <source>listing a record&apos;s files</source>
        <translation>listing a record&apos;s files</translation>
    </message>
    <message>
        <source>reading the outbox</source>
        <translation>reading the outbox</translation>
    </message>
    <message>
        <source>noting the failed send</source>
        <translation>noting the failed send</translation>
    </message>
    <message>
        <source>writing the sync log</source>
        <translation>writing the sync log</translation>
    </message>
    <message>
        <source>reading the sync log</source>
        <translation>reading the sync log</translation>
    </message>
    <message>
        <source>saving a setting</source>
        <translation>saving a setting</translation>
    </message>
    <message>
        <source>Record %1 is %2: only a returned record is corrected.</source>
        <translation>Record %1 is %2: only a returned record is corrected.</translation>
    </message>
    <message>
        <source>The returned record %1 does not fit its form: %2</source>
        <translation>The returned record %1 does not fit its form: %2</translation>
    </message>
    <message>
        <source>The form of record %1 has no meta/instanceID to give the correction.</source>
        <translation>The form of record %1 has no meta/instanceID to give the correction.</translation>
    </message>
    <message>
        <source>opening the data</source>
        <translation>opening the data</translation>
    </message>
    <message>
        <source>Record %1 is being sent right now; open it again when sending has finished.</source>
        <translation>Record %1 is being sent right now; open it again when sending has finished.</translation>
    </message>
    <message>
        <source>preparing to send</source>
        <translation>preparing to send</translation>
    </message>
    <message>
        <source>The file %1 that an answer names is missing from this record: take or choose it again, then finalize.</source>
        <translation>The file %1 that an answer names is missing from this record: take or choose it again, then finalize.</translation>
    </message>
</context>
<context>
    <name>StoreCommands</name>
    <message>
        <source>usage: %1
</source>
        <translation>usage: %1
</translation>
    </message>
    <message>
        <source>error: %1
</source>
        <translation>error: %1
</translation>
    </message>
    <message>
        <source>error: the stored form cannot be loaded (line %1, column %2): %3
</source>
        <translation>error: the stored form cannot be loaded (line %1, column %2): %3
</translation>
    </message>
    <message>
        <source>%1: error: cannot read the form: %2
</source>
        <translation>%1: error: cannot read the form: %2
</translation>
    </message>
    <message>
        <source>%1: error: cannot read the media file: %2
</source>
        <translation>%1: error: cannot read the media file: %2
</translation>
    </message>
    <message numerus="yes">
        <source>form %1 version %2 (%3), %n media file(s)
</source>
        <translation>
            <numerusform>form %1 version %2 (%3), %n media file
</numerusform>
            <numerusform>form %1 version %2 (%3), %n media files
</numerusform>
        </translation>
    </message>
    <message>
        <source>warning: the form has no language &apos;%1&apos;
</source>
        <translation>warning: the form has no language &apos;%1&apos;
</translation>
    </message>
    <message>
        <source>%1: error: cannot read the file: %2
</source>
        <translation>%1: error: cannot read the file: %2
</translation>
    </message>
    <message>
        <source>%1 is saved as a draft; it cannot be finalized yet:
</source>
        <translation>%1 is saved as a draft; it cannot be finalized yet:
</translation>
    </message>
    <message>
        <source>instanceID: %1
</source>
        <translation>instanceID: %1
</translation>
    </message>
    <message>
        <source>form: %1 version %2
</source>
        <translation>form: %1 version %2
</translation>
    </message>
    <message>
        <source>state: %1
</source>
        <translation>state: %1
</translation>
    </message>
    <message>
        <source>name: %1
</source>
        <translation>name: %1
</translation>
    </message>
    <message>
        <source>updated: %1
</source>
        <translation>updated: %1
</translation>
    </message>
    <message>
        <source>corrects: %1
</source>
        <translation>corrects: %1
</translation>
    </message>
    <message>
        <source>review: %1
</source>
        <translation>review: %1
</translation>
    </message>
    <message>
        <source>comment from %1 at %2: %3
</source>
        <translation>comment from %1 at %2: %3
</translation>
    </message>
    <message>
        <source>file: %1 (%2 bytes, sha256 %3)
</source>
        <translation>file: %1 (%2 bytes, sha256 %3)
</translation>
    </message>
    <message>
        <source>error: record %1 is %2; only a draft can be finalized
</source>
        <translation>error: record %1 is %2; only a draft can be finalized
</translation>
    </message>
    <message>
        <source>error: the draft cannot be reopened: %1
</source>
        <translation>error: the draft cannot be reopened: %1
</translation>
    </message>
    <message>
        <source>the file %1 that this answer names is not kept with the record</source>
        <translation>the file %1 that this answer names is not kept with the record</translation>
    </message>
    <message>
        <source>the file %1 does not exist</source>
        <translation>the file %1 does not exist</translation>
    </message>
    <message>
        <source>flagged %1 by %2: %3
</source>
        <translation>flagged %1 by %2: %3
</translation>
    </message>
</context>
<context>
    <name>StoreSource</name>
    <message>
        <source>The form “%1” is not on this device: download it first.</source>
        <translation>The form “%1” is not on this device: download it first.</translation>
    </message>
    <message>
        <source>The form “%1” cannot be read: line %2: %3</source>
        <translation>The form “%1” cannot be read: line %2: %3</translation>
    </message>
    <message>
        <source>The form&apos;s analysis.json cannot be read: %1</source>
        <translation>The form&apos;s analysis.json cannot be read: %1</translation>
    </message>
</context>
<context>
    <name>SubmissionPage</name>
    <message>
        <source>Saved. It goes to the server with the next Send and receive.</source>
        <translation>Saved. It goes to the server with the next Send and receive.</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>By %1 on device %2</source>
        <translation>By %1 on device %2</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unknown)</translation>
    </message>
    <message>
        <source>Interview %1 – %2</source>
        <translation>Interview %1 – %2</translation>
    </message>
    <message>
        <source>Received %1</source>
        <translation>Received %1</translation>
    </message>
    <message numerus="yes">
        <source>%n version(s)</source>
        <translation>
            <numerusform>%n version</numerusform>
            <numerusform>%n versions</numerusform>
        </translation>
    </message>
    <message>
        <source>Your decision (%1) is waiting to be sent.</source>
        <translation>Your decision (%1) is waiting to be sent.</translation>
    </message>
    <message>
        <source>Your decision (%1) was not applied: %2. Below is the submission as it is now; decide again.</source>
        <translation>Your decision (%1) was not applied: %2. Below is the submission as it is now; decide again.</translation>
    </message>
    <message>
        <source>No answer changed since the version of %1.</source>
        <translation>No answer changed since the version of %1.</translation>
    </message>
    <message>
        <source>Changed since the version of %1:</source>
        <translation>Changed since the version of %1:</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <extracomment>A changed answer: question, old value → new value</extracomment>
        <translation>%1: %2 → %3</translation>
    </message>
    <message>
        <source>(no answer)</source>
        <translation>(no answer)</translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1, %2: %3</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>Send back (%1)</source>
        <translation>Send back (%1)</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>Send back</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>Interview started %1</source>
        <translation>Interview started %1</translation>
    </message>
    <message>
        <source> (computed by the form)</source>
        <translation> (computed by the form)</translation>
    </message>
</context>
<context>
    <name>SubmissionRow</name>
    <message>
        <source>%1 (not downloaded yet)</source>
        <translation>%1 (not downloaded yet)</translation>
    </message>
    <message>
        <source>Computed by the form</source>
        <translation>Computed by the form</translation>
    </message>
    <message>
        <source>Flagged when sent back: %1</source>
        <translation>Flagged when sent back: %1</translation>
    </message>
    <message>
        <source>Note for the enumerator</source>
        <translation>Note for the enumerator</translation>
    </message>
    <message>
        <source>Remove the flag</source>
        <translation>Remove the flag</translation>
    </message>
    <message>
        <source>Flag this answer for the enumerator</source>
        <translation>Flag this answer for the enumerator</translation>
    </message>
</context>
<context>
    <name>SubmissionView</name>
    <message>
        <source>%1, %2 (±%3 m)</source>
        <translation>%1, %2 (±%3 m)</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Form %1 version %2 is not on this device: Send / receive to get it.</source>
        <translation>Form %1 version %2 is not on this device: Send / receive to get it.</translation>
    </message>
    <message>
        <source>The form of this submission cannot be loaded: %1</source>
        <translation>The form of this submission cannot be loaded: %1</translation>
    </message>
    <message>
        <source>This submission does not fit its form: %1</source>
        <translation>This submission does not fit its form: %1</translation>
    </message>
    <message>
        <source>This submission cannot be read.</source>
        <translation>This submission cannot be read.</translation>
    </message>
</context>
<context>
    <name>SurveyCli</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>usage: survey-cli xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME] [--warnings-json FILE]</source>
        <translation>usage: survey-cli xlsform FORM.(xlsx|md) [-o FORM.xml] [--name NAME] [--warnings-json FILE]</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>warning: %1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>error: %1</translation>
    </message>
    <message>
        <source>usage: survey-cli analyse FORM_ID --data DIR [--spec FILE] [--approved-only] (--json | --csv DIR | --pdf FILE)</source>
        <translation>usage: survey-cli analyse FORM_ID --data DIR [--spec FILE] [--approved-only] (--json | --csv DIR | --pdf FILE)</translation>
    </message>
    <message>
        <source>error: %1 cannot be read: %2</source>
        <translation>error: %1 cannot be read: %2</translation>
    </message>
    <message>
        <source>error: %1 is larger than the 1 MB a spec may have.</source>
        <translation>error: %1 is larger than the 1 MB a spec may have.</translation>
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
        <translation>usage: survey-cli COMMAND ...
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
</translation>
    </message>
    <message>
        <source>approved submissions only</source>
        <translation>approved submissions only</translation>
    </message>
</context>
<context>
    <name>SurveySync</name>
    <message>
        <source>the database %1 is not set up: run survey-sync init first</source>
        <translation>the database %1 is not set up: run survey-sync init first</translation>
    </message>
    <message>
        <source>created %1 with project 1 and admin %2
</source>
        <translation>created %1 with project 1 and admin %2
</translation>
    </message>
    <message>
        <source>added %1 (%2, project %3)
</source>
        <translation>added %1 (%2, project %3)
</translation>
    </message>
    <message>
        <source>disabled %1
</source>
        <translation>disabled %1
</translation>
    </message>
    <message>
        <source>%1 version %2 is already published; nothing changed
</source>
        <translation>%1 version %2 is already published; nothing changed
</translation>
    </message>
    <message numerus="yes">
        <source>published %1 version %2 (&quot;%3&quot;, %n media file(s)) in project %4
</source>
        <translation>
            <numerusform>published %1 version %2 (&quot;%3&quot;, %n media file) in project %4
</numerusform>
            <numerusform>published %1 version %2 (&quot;%3&quot;, %n media files) in project %4
</numerusform>
        </translation>
    </message>
    <message>
        <source>--listen needs HOST:PORT, not &apos;%1&apos;</source>
        <translation>--listen needs HOST:PORT, not &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the server stopped unexpectedly</source>
        <translation>the server stopped unexpectedly</translation>
    </message>
    <message>
        <source>TLS needs both a certificate (--tls-cert) and its key (--tls-key)</source>
        <translation>TLS needs both a certificate (--tls-cert) and its key (--tls-key)</translation>
    </message>
    <message>
        <source>passwords must not cross the network in clear: give --tls-cert and --tls-key, or start with --insecure-http only on loopback or behind a TLS proxy</source>
        <translation>passwords must not cross the network in clear: give --tls-cert and --tls-key, or start with --insecure-http only on loopback or behind a TLS proxy</translation>
    </message>
    <message>
        <source>the data folder %1 cannot be created or written to</source>
        <translation>the data folder %1 cannot be created or written to</translation>
    </message>
    <message>
        <source>enabled %1
</source>
        <translation>enabled %1
</translation>
    </message>
    <message>
        <source>added project %1 (%2)
</source>
        <translation>added project %1 (%2)
</translation>
    </message>
    <message>
        <source>--insecure-http on %1 would send passwords across the network in clear: listen on 127.0.0.1 behind a TLS proxy, give --tls-cert and --tls-key, or add --allow-insecure-remote if this network is really private</source>
        <translation>--insecure-http on %1 would send passwords across the network in clear: listen on 127.0.0.1 behind a TLS proxy, give --tls-cert and --tls-key, or add --allow-insecure-remote if this network is really private</translation>
    </message>
    <message>
        <source>survey-sync: warning: serving plain HTTP on %1: passwords and answers cross the network unencrypted</source>
        <translation>survey-sync: warning: serving plain HTTP on %1: passwords and answers cross the network unencrypted</translation>
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
        <translation>usage: survey-sync COMMAND ...
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
</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>warning: %1</translation>
    </message>
</context>
<context>
    <name>SyncClient</name>
    <message>
        <source>The server&apos;s certificate is not trusted (%1). Nothing was sent; check the server address.</source>
        <translation>The server&apos;s certificate is not trusted (%1). Nothing was sent; check the server address.</translation>
    </message>
    <message>
        <source>The server did not answer in time; it will be tried again.</source>
        <translation>The server did not answer in time; it will be tried again.</translation>
    </message>
    <message>
        <source>No connection to the server (%1); it will be tried again when the network is back.</source>
        <translation>No connection to the server (%1); it will be tried again when the network is back.</translation>
    </message>
    <message>
        <source>Something other than the survey server answered (HTTP %1): a Wi-Fi login page or a proxy. Sign in to the network in a web browser, then send again. Nothing was lost.</source>
        <translation>Something other than the survey server answered (HTTP %1): a Wi-Fi login page or a proxy. Sign in to the network in a web browser, then send again. Nothing was lost.</translation>
    </message>
    <message>
        <source>The server refused the user name or password. Check them and sign in again.</source>
        <translation>The server refused the user name or password. Check them and sign in again.</translation>
    </message>
    <message>
        <source>The server could not take it now (HTTP %1%2); it will be tried again.</source>
        <translation>The server could not take it now (HTTP %1%2); it will be tried again.</translation>
    </message>
    <message>
        <source>This account may not do this on the server (HTTP 403%1).</source>
        <translation>This account may not do this on the server (HTTP 403%1).</translation>
    </message>
    <message>
        <source>The server does not know this form or address (HTTP 404%1).</source>
        <translation>The server does not know this form or address (HTTP 404%1).</translation>
    </message>
    <message>
        <source>The server refused the record as it stands (HTTP 409%1).</source>
        <translation>The server refused the record as it stands (HTTP 409%1).</translation>
    </message>
    <message>
        <source>The record is larger than the server accepts (HTTP 413%1).</source>
        <translation>The record is larger than the server accepts (HTTP 413%1).</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1%2).</source>
        <translation>The server refused the request (HTTP %1%2).</translation>
    </message>
    <message>
        <source>Sending was stopped; it will continue next time.</source>
        <translation>Sending was stopped; it will continue next time.</translation>
    </message>
    <message>
        <source>The file %1 (%2 MB) is larger than the server accepts (%3 MB); the record was not sent.</source>
        <translation>The file %1 (%2 MB) is larger than the server accepts (%3 MB); the record was not sent.</translation>
    </message>
    <message>
        <source>Sent to %1.</source>
        <translation>Sent to %1.</translation>
    </message>
    <message>
        <source>Sent back for correction: %1</source>
        <translation>Sent back for correction: %1</translation>
    </message>
    <message>
        <source>(no comment)</source>
        <translation>(no comment)</translation>
    </message>
    <message>
        <source>The forms could not be updated: %1</source>
        <translation>The forms could not be updated: %1</translation>
    </message>
    <message>
        <source>The server&apos;s form list is not readable (%1); the forms were not updated.</source>
        <translation>The server&apos;s form list is not readable (%1); the forms were not updated.</translation>
    </message>
    <message>
        <source>Form %1 version %2 changed on the server without a new version; the copy on this device is kept.</source>
        <translation>Form %1 version %2 changed on the server without a new version; the copy on this device is kept.</translation>
    </message>
    <message>
        <source>Form %1 could not be downloaded: %2</source>
        <translation>Form %1 could not be downloaded: %2</translation>
    </message>
    <message>
        <source>its content does not match the server&apos;s hash</source>
        <translation>its content does not match the server&apos;s hash</translation>
    </message>
    <message>
        <source>Form %1 cannot be used here: %2</source>
        <translation>Form %1 cannot be used here: %2</translation>
    </message>
    <message>
        <source>The media list of form %1 could not be downloaded: %2</source>
        <translation>The media list of form %1 could not be downloaded: %2</translation>
    </message>
    <message>
        <source>Form %1 lists a media file with an unsafe name (&apos;%2&apos;); it was not downloaded.</source>
        <translation>Form %1 lists a media file with an unsafe name (&apos;%2&apos;); it was not downloaded.</translation>
    </message>
    <message>
        <source>Media file %1 of form %2 could not be downloaded: %3</source>
        <translation>Media file %1 of form %2 could not be downloaded: %3</translation>
    </message>
    <message>
        <source>Returned records could not be fetched: %1</source>
        <translation>Returned records could not be fetched: %1</translation>
    </message>
    <message>
        <source>Returned record %1 needs form %2 version %3, which is not on this device.</source>
        <translation>Returned record %1 needs form %2 version %3, which is not on this device.</translation>
    </message>
    <message>
        <source>No password is saved for this account; sign in again.</source>
        <translation>No password is saved for this account; sign in again.</translation>
    </message>
    <message>
        <source>The password keystore refused (%1).</source>
        <translation>The password keystore refused (%1).</translation>
    </message>
    <message>
        <source>The file %1 of this record cannot be read on this device; the record was not sent. Take or attach the file again.</source>
        <translation>The file %1 of this record cannot be read on this device; the record was not sent. Take or attach the file again.</translation>
    </message>
    <message>
        <source>The server&apos;s list of returned records is not readable (%1).</source>
        <translation>The server&apos;s list of returned records is not readable (%1).</translation>
    </message>
    <message>
        <source>The server listed a returned record without its instanceId or formId; it was skipped.</source>
        <translation>The server listed a returned record without its instanceId or formId; it was skipped.</translation>
    </message>
    <message>
        <source>The server refused the sign-in, saying: %1. Check the server address, user name and password, then sign in again.</source>
        <translation>The server refused the sign-in, saying: %1. Check the server address, user name and password, then sign in again.</translation>
    </message>
    <message>
        <source>This device has no password keystore (%1).</source>
        <translation>This device has no password keystore (%1).</translation>
    </message>
    <message>
        <source>Form downloaded: %1</source>
        <translation>Form downloaded: %1</translation>
    </message>
    <message>
        <source>Form downloaded: %1 (version %2)</source>
        <translation>Form downloaded: %1 (version %2)</translation>
    </message>
    <message>
        <source>Could not find out who is signed in: %1</source>
        <translation>Could not find out who is signed in: %1</translation>
    </message>
    <message>
        <source>%1 is not a supervisor or an admin on this server, so there is nothing to review.</source>
        <translation>%1 is not a supervisor or an admin on this server, so there is nothing to review.</translation>
    </message>
    <message>
        <source>The team could not be fetched: %1</source>
        <translation>The team could not be fetched: %1</translation>
    </message>
    <message>
        <source>Submissions for review could not be fetched: %1</source>
        <translation>Submissions for review could not be fetched: %1</translation>
    </message>
    <message>
        <source>The server&apos;s list of submissions for review is not readable.</source>
        <translation>The server&apos;s list of submissions for review is not readable.</translation>
    </message>
    <message>
        <source>Form %1 version %2 could not be downloaded: %3</source>
        <translation>Form %1 version %2 could not be downloaded: %3</translation>
    </message>
    <message>
        <source>Form %1 version %2 could not be kept: %3</source>
        <translation>Form %1 version %2 could not be kept: %3</translation>
    </message>
    <message>
        <source>%1 of submission %2 could not be downloaded: %3</source>
        <translation>%1 of submission %2 could not be downloaded: %3</translation>
    </message>
    <message>
        <source>Your decision on %1 was not applied: %2</source>
        <translation>Your decision on %1 was not applied: %2</translation>
    </message>
    <message>
        <source>Your decision on %1 is not sent yet: %2</source>
        <translation>Your decision on %1 is not sent yet: %2</translation>
    </message>
    <message>
        <source>The server listed a submission for review without its instanceId, form or time; it was skipped.</source>
        <translation>The server listed a submission for review without its instanceId, form or time; it was skipped.</translation>
    </message>
    <message>
        <source>The server gave form %1 version %2 when asked for form %3 version %4.</source>
        <translation>The server gave form %1 version %2 when asked for form %3 version %4.</translation>
    </message>
</context>
<context>
    <name>SyncCommand</name>
    <message>
        <source>usage: %1
</source>
        <translation>usage: %1
</translation>
    </message>
    <message>
        <source>error: no password: give it on standard input with --password-stdin, or in SURVEY_PASSWORD
</source>
        <translation>error: no password: give it on standard input with --password-stdin, or in SURVEY_PASSWORD
</translation>
    </message>
    <message>
        <source>error: %1
</source>
        <translation>error: %1
</translation>
    </message>
    <message>
        <source>error: no password: %1
</source>
        <translation>error: no password: %1
</translation>
    </message>
    <message>
        <source>error: no password: %1 Give it each time with --password-stdin, or in SURVEY_PASSWORD.
</source>
        <translation>error: no password: %1 Give it each time with --password-stdin, or in SURVEY_PASSWORD.
</translation>
    </message>
</context>
<context>
    <name>SyncLogPage</name>
    <message>
        <source>Sync log</source>
        <translation>Sync log</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Nothing sent yet.</source>
        <translation>Nothing sent yet.</translation>
    </message>
    <message>
        <source>%1 (correction)</source>
        <translation>%1 (correction)</translation>
    </message>
</context>
<context>
    <name>TargetProgress</name>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 of %3</translation>
    </message>
</context>
<context>
    <name>TeamPage</name>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Send and receive to download your team.</source>
        <translation>Send and receive to download your team.</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <source>Last synced %1</source>
        <translation>Last synced %1</translation>
    </message>
    <message>
        <source>Today %1 · This week %2 · In all %3</source>
        <translation>Today %1 · This week %2 · In all %3</translation>
    </message>
    <message>
        <source>Waiting for review %1 · Sent back %2 · Approved %3</source>
        <translation>Waiting for review %1 · Sent back %2 · Approved %3</translation>
    </message>
</context>
<context>
    <name>TextAnswer</name>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation>HH:MM</translation>
    </message>
    <message>
        <source>latitude longitude</source>
        <translation>latitude longitude</translation>
    </message>
    <message>
        <source>latitude longitude; latitude longitude; …</source>
        <translation>latitude longitude; latitude longitude; …</translation>
    </message>
    <message>
        <source>Type the code</source>
        <translation>Type the code</translation>
    </message>
</context>
<context>
    <name>TextSummary</name>
    <message numerus="yes">
        <source>%1: %n answered</source>
        <translation>
            <numerusform>%1: %n answered</numerusform>
            <numerusform>%1: %n answered</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tr</name>
    <message>
        <source>a tag without a name</source>
        <translation>a tag without a name</translation>
    </message>
</context>
<context>
    <name>UnsupportedAnswer</name>
    <message>
        <source>This app cannot answer this kind of question (%1 of type %2). Skip it, and tell the form&apos;s author.</source>
        <translation>This app cannot answer this kind of question (%1 of type %2). Skip it, and tell the form&apos;s author.</translation>
    </message>
</context>
<context>
    <name>UploadAnswer</name>
    <message>
        <source>Take a photo</source>
        <translation>Take a photo</translation>
    </message>
    <message>
        <source>Take again</source>
        <translation>Take again</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>Choose a file…</translation>
    </message>
    <message>
        <source>Replace…</source>
        <translation>Replace…</translation>
    </message>
</context>
<context>
    <name>XPathCommand</name>
    <message>
        <source>unknown result type &apos;%1&apos; (use any, boolean, number, string or nodeset)</source>
        <translation>unknown result type &apos;%1&apos; (use any, boolean, number, string or nodeset)</translation>
    </message>
    <message>
        <source>context path: %1</source>
        <translation>context path: %1</translation>
    </message>
    <message>
        <source>context path &apos;%1&apos; does not select exactly one node</source>
        <translation>context path &apos;%1&apos; does not select exactly one node</translation>
    </message>
    <message>
        <source>at character %1: %2</source>
        <translation>at character %1: %2</translation>
    </message>
    <message>
        <source>the result is a %1, not a node-set</source>
        <translation>the result is a %1, not a node-set</translation>
    </message>
    <message>
        <source>usage: survey-cli xpath DOC.xml [--context PATH] [--ns PREFIX=URI]... [--type any|boolean|number|string|nodeset] (EXPR | --batch)
</source>
        <translation>usage: survey-cli xpath DOC.xml [--context PATH] [--ns PREFIX=URI]... [--type any|boolean|number|string|nodeset] (EXPR | --batch)
</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>cannot read %1: %2</translation>
    </message>
    <message>
        <source>not a JSON object: %1</source>
        <translation>not a JSON object: %1</translation>
    </message>
    <message>
        <source>&quot;expr&quot; is missing</source>
        <translation>&quot;expr&quot; is missing</translation>
    </message>
</context>
<context>
    <name>XlsForm</name>
    <message>
        <source>The parameters must be written as &apos;key1=value1 key2=value2&apos;.</source>
        <translation>The parameters must be written as &apos;key1=value1 key2=value2&apos;.</translation>
    </message>
    <message>
        <source>The columns &apos;%1&apos; and &apos;%2&apos; are two names for the same column. Rename or remove one of them.</source>
        <translation>The columns &apos;%1&apos; and &apos;%2&apos; are two names for the same column. Rename or remove one of them.</translation>
    </message>
    <message>
        <source>A value is in a column without a header. Add the header row the XLSForm template has, or remove the value.</source>
        <translation>A value is in a column without a header. Add the header row the XLSForm template has, or remove the value.</translation>
    </message>
    <message>
        <source>There is no &apos;settings&apos; sheet, but there are sheets with similar names: %1. To keep a sheet out of the form without this warning, start its name with &apos;_&apos;.</source>
        <translation>There is no &apos;settings&apos; sheet, but there are sheets with similar names: %1. To keep a sheet out of the form without this warning, start its name with &apos;_&apos;.</translation>
    </message>
    <message>
        <source>The settings sheet has both &apos;form_id&apos; and &apos;id_string&apos;; &apos;form_id&apos; is used. Keep only one of them.</source>
        <translation>The settings sheet has both &apos;form_id&apos; and &apos;id_string&apos;; &apos;form_id&apos; is used. Keep only one of them.</translation>
    </message>
    <message>
        <source>The instanceID cannot be left out of an encrypted form (one with a public_key).</source>
        <translation>The instanceID cannot be left out of an encrypted form (one with a public_key).</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</source>
        <translation>The name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</translation>
    </message>
    <message>
        <source>The &apos;%1&apos; sheet has no &apos;name&apos; column. Its columns must include &apos;list_name&apos;, &apos;name&apos; and &apos;label&apos;.</source>
        <translation>The &apos;%1&apos; sheet has no &apos;name&apos; column. Its columns must include &apos;list_name&apos;, &apos;name&apos; and &apos;label&apos;.</translation>
    </message>
    <message>
        <source>A choice has no name. Every choice needs a name.</source>
        <translation>A choice has no name. Every choice needs a name.</translation>
    </message>
    <message>
        <source>The choice name &apos;%1&apos; is already in the list &apos;%2&apos;. Choice names must be unique within a list; to allow this, use the setting &apos;allow_choice_duplicates&apos;.</source>
        <translation>The choice name &apos;%1&apos; is already in the list &apos;%2&apos;. Choice names must be unique within a list; to allow this, use the setting &apos;allow_choice_duplicates&apos;.</translation>
    </message>
    <message>
        <source>The choice &apos;%1&apos; has no label. Choices should have a label.</source>
        <translation>The choice &apos;%1&apos; has no label. Choices should have a label.</translation>
    </message>
    <message>
        <source>The reference &apos;%1&apos; is not valid: a reference is &apos;${&apos;, then a question name, then &apos;}&apos;.</source>
        <translation>The reference &apos;%1&apos; is not valid: a reference is &apos;${&apos;, then a question name, then &apos;}&apos;.</translation>
    </message>
    <message>
        <source>The reference ${%1} names no question: there is no &apos;%1&apos; in the &apos;name&apos; column of the &apos;survey&apos; sheet.</source>
        <translation>The reference ${%1} names no question: there is no &apos;%1&apos; in the &apos;name&apos; column of the &apos;survey&apos; sheet.</translation>
    </message>
    <message>
        <source>The reference ${%1} is ambiguous: the name &apos;%1&apos; is used more than once in the survey. Names used in references must be unique in the whole form.</source>
        <translation>The reference ${%1} is ambiguous: the name &apos;%1&apos; is used more than once in the survey. Names used in references must be unique in the whole form.</translation>
    </message>
    <message>
        <source>The form has no sheet named &apos;survey&apos;.</source>
        <translation>The form has no sheet named &apos;survey&apos;.</translation>
    </message>
    <message>
        <source>The form has no sheet named &apos;survey&apos;. Sheets with similar names: %1.</source>
        <translation>The form has no sheet named &apos;survey&apos;. Sheets with similar names: %1.</translation>
    </message>
    <message>
        <source>The &apos;survey&apos; sheet has no &apos;type&apos; column.</source>
        <translation>The &apos;survey&apos; sheet has no &apos;type&apos; column.</translation>
    </message>
    <message>
        <source>The &apos;disabled&apos; column is not part of XLSForm; use &apos;relevant&apos; instead.</source>
        <translation>The &apos;disabled&apos; column is not part of XLSForm; use &apos;relevant&apos; instead.</translation>
    </message>
    <message>
        <source>The row has no type.</source>
        <translation>The row has no type.</translation>
    </message>
    <message>
        <source>The row has no type, name or label and is left out.</source>
        <translation>The row has no type, name or label and is left out.</translation>
    </message>
    <message>
        <source>The trigger names several questions without commas between them. Separate them with commas.</source>
        <translation>The trigger names several questions without commas between them. Separate them with commas.</translation>
    </message>
    <message>
        <source>The trigger &apos;%1&apos; is not valid: a reference is &apos;${&apos;, then a question name, then &apos;}&apos;.</source>
        <translation>The trigger &apos;%1&apos; is not valid: a reference is &apos;${&apos;, then a question name, then &apos;}&apos;.</translation>
    </message>
    <message>
        <source>A calculate question needs a calculation.</source>
        <translation>A calculate question needs a calculation.</translation>
    </message>
    <message>
        <source>&apos;end %1&apos; has no matching &apos;begin %1&apos; (name &apos;%2&apos;).</source>
        <translation>&apos;end %1&apos; has no matching &apos;begin %1&apos; (name &apos;%2&apos;).</translation>
    </message>
    <message>
        <source>An audit is always named &apos;audit&apos;: leave its name empty.</source>
        <translation>An audit is always named &apos;audit&apos;: leave its name empty.</translation>
    </message>
    <message>
        <source>The question or group has no name.</source>
        <translation>The question or group has no name.</translation>
    </message>
    <message>
        <source>The name &apos;meta&apos; is kept for the form&apos;s metadata; choose another.</source>
        <translation>The name &apos;meta&apos; is kept for the form&apos;s metadata; choose another.</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; is used twice in the same group, repeat or survey. Names must be unique within their group or repeat.</source>
        <translation>The name &apos;%1&apos; is used twice in the same group, repeat or survey. Names must be unique within their group or repeat.</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; differs from &apos;%2&apos; only by case. Some tools do not tell them apart, which makes analysis hard.</source>
        <translation>The name &apos;%1&apos; differs from &apos;%2&apos; only by case. Some tools do not tell them apart, which makes analysis hard.</translation>
    </message>
    <message>
        <source>The loop names no choice list.</source>
        <translation>The loop names no choice list.</translation>
    </message>
    <message>
        <source>The loop&apos;s list &apos;%1&apos; is not on the &apos;choices&apos; sheet.</source>
        <translation>The loop&apos;s list &apos;%1&apos; is not on the &apos;choices&apos; sheet.</translation>
    </message>
    <message>
        <source>The repeat name &apos;%1&apos; is used twice. Repeat names must be unique in the whole form.</source>
        <translation>The repeat name &apos;%1&apos; is used twice. Repeat names must be unique in the whole form.</translation>
    </message>
    <message>
        <source>A repeat cannot have the name of the form&apos;s root element (&apos;%1&apos;).</source>
        <translation>A repeat cannot have the name of the form&apos;s root element (&apos;%1&apos;).</translation>
    </message>
    <message>
        <source>Unknown question type &apos;%1&apos;.</source>
        <translation>Unknown question type &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>A background-geopoint question needs a trigger.</source>
        <translation>A background-geopoint question needs a trigger.</translation>
    </message>
    <message>
        <source>A background-geopoint question cannot have a calculation.</source>
        <translation>A background-geopoint question cannot have a calculation.</translation>
    </message>
    <message>
        <source>&apos;begin %1&apos; has no matching &apos;end %1&apos;.</source>
        <translation>&apos;begin %1&apos; has no matching &apos;end %1&apos;.</translation>
    </message>
    <message>
        <source>The file for &apos;%1&apos; must end in one of &apos;.csv&apos;, &apos;.xml&apos; or &apos;.geojson&apos;.</source>
        <translation>The file for &apos;%1&apos; must end in one of &apos;.csv&apos;, &apos;.xml&apos; or &apos;.geojson&apos;.</translation>
    </message>
    <message>
        <source>The form has a select_one_external question but no &apos;external_choices&apos; sheet (with the columns &apos;list_name&apos; and &apos;name&apos;).</source>
        <translation>The form has a select_one_external question but no &apos;external_choices&apos; sheet (with the columns &apos;list_name&apos; and &apos;name&apos;).</translation>
    </message>
    <message>
        <source>The list &apos;%1&apos; is not on the &apos;external_choices&apos; sheet.</source>
        <translation>The list &apos;%1&apos; is not on the &apos;external_choices&apos; sheet.</translation>
    </message>
    <message>
        <source>The form needs a &apos;choices&apos; sheet (with the columns &apos;list_name&apos;, &apos;name&apos; and &apos;label&apos;) for the list &apos;%1&apos;.</source>
        <translation>The form needs a &apos;choices&apos; sheet (with the columns &apos;list_name&apos;, &apos;name&apos; and &apos;label&apos;) for the list &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>The form needs a &apos;choices&apos; sheet for the list &apos;%1&apos;. Sheets with similar names: %2.</source>
        <translation>The form needs a &apos;choices&apos; sheet for the list &apos;%1&apos;. Sheets with similar names: %2.</translation>
    </message>
    <message>
        <source>The list &apos;%1&apos; is not on the &apos;choices&apos; sheet.</source>
        <translation>The list &apos;%1&apos; is not on the &apos;choices&apos; sheet.</translation>
    </message>
    <message>
        <source>A choice filter cannot be used with or_other.</source>
        <translation>A choice filter cannot be used with or_other.</translation>
    </message>
    <message>
        <source>Give the choices of this &apos;or other&apos; question on the &apos;choices&apos; sheet.</source>
        <translation>Give the choices of this &apos;or other&apos; question on the &apos;choices&apos; sheet.</translation>
    </message>
    <message>
        <source>The choice name &apos;%1&apos; in the list &apos;%2&apos; has a space, which a select_multiple cannot hold.</source>
        <translation>The choice name &apos;%1&apos; in the list &apos;%2&apos; has a space, which a select_multiple cannot hold.</translation>
    </message>
    <message>
        <source>the package name is missing.</source>
        <translation>the package name is missing.</translation>
    </message>
    <message>
        <source>the package name must have at least one &apos;.&apos; separator.</source>
        <translation>the package name must have at least one &apos;.&apos; separator.</translation>
    </message>
    <message>
        <source>the package name cannot end in a &apos;.&apos; separator.</source>
        <translation>the package name cannot end in a &apos;.&apos; separator.</translation>
    </message>
    <message>
        <source>package segments must not be empty.</source>
        <translation>package segments must not be empty.</translation>
    </message>
    <message>
        <source>a package segment cannot start with &apos;_&apos;.</source>
        <translation>a package segment cannot start with &apos;_&apos;.</translation>
    </message>
    <message>
        <source>a package segment cannot start with a digit.</source>
        <translation>a package segment cannot start with a digit.</translation>
    </message>
    <message>
        <source>the package name can only hold letters (a-z, A-Z), digits (0-9), dots (.) and underscores (_).</source>
        <translation>the package name can only hold letters (a-z, A-Z), digits (0-9), dots (.) and underscores (_).</translation>
    </message>
    <message>
        <source>The parameters accepted for this question type are &apos;%1&apos;; these are not: &apos;%2&apos;.</source>
        <translation>The parameters accepted for this question type are &apos;%1&apos;; these are not: &apos;%2&apos;.</translation>
    </message>
    <message>
        <source>randomize must be true or false; &apos;%1&apos; is neither.</source>
        <translation>randomize must be true or false; &apos;%1&apos; is neither.</translation>
    </message>
    <message>
        <source>The seed must be a number or a reference to another question.</source>
        <translation>The seed must be a number or a reference to another question.</translation>
    </message>
    <message>
        <source>A seed needs randomize=true among the parameters.</source>
        <translation>A seed needs randomize=true among the parameters.</translation>
    </message>
    <message>
        <source>The parameter &apos;%1&apos; must begin with a letter or underscore, then hold only letters, digits, dashes, underscores and periods.</source>
        <translation>The parameter &apos;%1&apos; must begin with a letter or underscore, then hold only letters, digits, dashes, underscores and periods.</translation>
    </message>
    <message>
        <source>The parameter rows must be a whole number.</source>
        <translation>The parameter rows must be a whole number.</translation>
    </message>
    <message>
        <source>The parameter max-pixels must be a whole number.</source>
        <translation>The parameter max-pixels must be a whole number.</translation>
    </message>
    <message>
        <source>Use the max-pixels parameter to keep photos small: sending is faster and takes less space.</source>
        <translation>Use the max-pixels parameter to keep photos small: sending is faster and takes less space.</translation>
    </message>
    <message>
        <source>The parameter &apos;app&apos; is not an Android package name: %1</source>
        <translation>The parameter &apos;app&apos; is not an Android package name: %1</translation>
    </message>
    <message>
        <source>The parameter quality must be one of %1.</source>
        <translation>The parameter quality must be one of %1.</translation>
    </message>
    <message>
        <source>The parameter &apos;%1&apos; must be a number.</source>
        <translation>The parameter &apos;%1&apos; must be a number.</translation>
    </message>
    <message>
        <source>The parameter &apos;allow-mock-accuracy&apos; must be &apos;true&apos; or &apos;false&apos;.</source>
        <translation>The parameter &apos;allow-mock-accuracy&apos; must be &apos;true&apos; or &apos;false&apos;.</translation>
    </message>
    <message>
        <source>For geoshape and geotrace questions the parameter &apos;incremental&apos; may only be &apos;true&apos;, or left out.</source>
        <translation>For geoshape and geotrace questions the parameter &apos;incremental&apos; may only be &apos;true&apos;, or left out.</translation>
    </message>
    <message>
        <source>%1 must be true or false; &apos;%2&apos; is neither.</source>
        <translation>%1 must be true or false; &apos;%2&apos; is neither.</translation>
    </message>
    <message>
        <source>track-changes-reasons can only be on-form-edit.</source>
        <translation>track-changes-reasons can only be on-form-edit.</translation>
    </message>
    <message>
        <source>To record locations in the audit, give all of &apos;location-priority&apos;, &apos;location-min-interval&apos; and &apos;location-max-age&apos;.</source>
        <translation>To record locations in the audit, give all of &apos;location-priority&apos;, &apos;location-min-interval&apos; and &apos;location-max-age&apos;.</translation>
    </message>
    <message>
        <source>location-priority must be no-power, low-power, balanced or high-accuracy; &apos;%1&apos; is none of them.</source>
        <translation>location-priority must be no-power, low-power, balanced or high-accuracy; &apos;%1&apos; is none of them.</translation>
    </message>
    <message>
        <source>location-min-interval must be a whole number.</source>
        <translation>location-min-interval must be a whole number.</translation>
    </message>
    <message>
        <source>location-min-interval must be zero or more.</source>
        <translation>location-min-interval must be zero or more.</translation>
    </message>
    <message>
        <source>location-max-age must be a whole number.</source>
        <translation>location-max-age must be a whole number.</translation>
    </message>
    <message>
        <source>location-max-age must be zero or more.</source>
        <translation>location-max-age must be zero or more.</translation>
    </message>
    <message>
        <source>location-max-age must be at least location-min-interval.</source>
        <translation>location-max-age must be at least location-min-interval.</translation>
    </message>
    <message>
        <source>For a range, &apos;tick_interval&apos;, &apos;placeholder&apos; and &apos;tick_labelset&apos; only go with the appearances &apos;vertical&apos;, &apos;no-ticks&apos;, both, or none.</source>
        <translation>For a range, &apos;tick_interval&apos;, &apos;placeholder&apos; and &apos;tick_labelset&apos; only go with the appearances &apos;vertical&apos;, &apos;no-ticks&apos;, both, or none.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;%1&apos; must be a number.</source>
        <translation>For a range, the parameter &apos;%1&apos; must be a number.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;step&apos; must not be zero.</source>
        <translation>For a range, the parameter &apos;step&apos; must not be zero.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;step&apos; must not be larger than the range (from &apos;start&apos; to &apos;end&apos;).</source>
        <translation>For a range, the parameter &apos;step&apos; must not be larger than the range (from &apos;start&apos; to &apos;end&apos;).</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_interval&apos; must not be zero.</source>
        <translation>For a range, the parameter &apos;tick_interval&apos; must not be zero.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_interval&apos; must not be larger than the range.</source>
        <translation>For a range, the parameter &apos;tick_interval&apos; must not be larger than the range.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_interval&apos; must be a multiple of &apos;step&apos;.</source>
        <translation>For a range, the parameter &apos;tick_interval&apos; must be a multiple of &apos;step&apos;.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;placeholder&apos; must be &apos;start&apos; plus a multiple of &apos;step&apos;.</source>
        <translation>For a range, the parameter &apos;placeholder&apos; must be &apos;start&apos; plus a multiple of &apos;step&apos;.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;placeholder&apos; must lie between &apos;start&apos; and &apos;end&apos;.</source>
        <translation>For a range, the parameter &apos;placeholder&apos; must lie between &apos;start&apos; and &apos;end&apos;.</translation>
    </message>
    <message>
        <source>For a range, the parameter &apos;tick_labelset&apos; must name a list on the &apos;choices&apos; sheet.</source>
        <translation>For a range, the parameter &apos;tick_labelset&apos; must name a list on the &apos;choices&apos; sheet.</translation>
    </message>
    <message>
        <source>For a range, the choices of &apos;tick_labelset&apos; must all be numbers.</source>
        <translation>For a range, the choices of &apos;tick_labelset&apos; must all be numbers.</translation>
    </message>
    <message>
        <source>For a range, the choices of &apos;tick_labelset&apos; must lie between &apos;start&apos; and &apos;end&apos;.</source>
        <translation>For a range, the choices of &apos;tick_labelset&apos; must lie between &apos;start&apos; and &apos;end&apos;.</translation>
    </message>
    <message>
        <source>For a range, each choice of &apos;tick_labelset&apos; must be &apos;start&apos; plus a multiple of &apos;%1&apos;.</source>
        <translation>For a range, each choice of &apos;tick_labelset&apos; must be &apos;start&apos; plus a multiple of &apos;%1&apos;.</translation>
    </message>
    <message>
        <source>For a range with the appearance &apos;no-ticks&apos;, &apos;tick_labelset&apos; may have only 2 choices.</source>
        <translation>For a range with the appearance &apos;no-ticks&apos;, &apos;tick_labelset&apos; may have only 2 choices.</translation>
    </message>
    <message>
        <source>For a range with the appearance &apos;no-ticks&apos;, the choices of &apos;tick_labelset&apos; may only be the &apos;start&apos; and &apos;end&apos; values.</source>
        <translation>For a range with the appearance &apos;no-ticks&apos;, the choices of &apos;tick_labelset&apos; may only be the &apos;start&apos; and &apos;end&apos; values.</translation>
    </message>
    <message>
        <source>The trigger ${%1} names no question: there is no question &apos;%1&apos; in the &apos;name&apos; column.</source>
        <translation>The trigger ${%1} names no question: there is no question &apos;%1&apos; in the &apos;name&apos; column.</translation>
    </message>
    <message>
        <source>The question ${%1} is not shown to the person filling in the form, so it cannot trigger the calculation of ${%2}.</source>
        <translation>The question ${%1} is not shown to the person filling in the form, so it cannot trigger the calculation of ${%2}.</translation>
    </message>
    <message>
        <source>A choice filter cannot be used in a table-list group.</source>
        <translation>A choice filter cannot be used in a table-list group.</translation>
    </message>
    <message>
        <source>The selects of a table-list group must all use one list; this one uses &apos;%1&apos;, the first &apos;%2&apos;.</source>
        <translation>The selects of a table-list group must all use one list; this one uses &apos;%1&apos;, the first &apos;%2&apos;.</translation>
    </message>
    <message>
        <source>The name &apos;%1&apos; is used twice in the same group, repeat or survey (one of them is made by the converter). Names must be unique within their group or repeat.</source>
        <translation>The name &apos;%1&apos; is used twice in the same group, repeat or survey (one of them is made by the converter). Names must be unique within their group or repeat.</translation>
    </message>
    <message>
        <source>The question &apos;%1&apos; has no label or hint. Give it one, so that people know what is asked.</source>
        <translation>The question &apos;%1&apos; has no label or hint. Give it one, so that people know what is asked.</translation>
    </message>
    <message>
        <source>The repeat name &apos;%1&apos; is used twice (a loop copies its repeats). Repeat names must be unique in the whole form.</source>
        <translation>The repeat name &apos;%1&apos; is used twice (a loop copies its repeats). Repeat names must be unique in the whole form.</translation>
    </message>
    <message>
        <source>The parameter &apos;reference-geometry&apos; must name a secondary instance (a choice list, an entity list or an attached file&apos;s name without its extension) or be a reference to a repeat.</source>
        <translation>The parameter &apos;reference-geometry&apos; must name a secondary instance (a choice list, an entity list or an attached file&apos;s name without its extension) or be a reference to a repeat.</translation>
    </message>
    <message>
        <source>The question &apos;%1&apos; selects from a file and uses search(), which do not go together. Remove search() or change the select type.</source>
        <translation>The question &apos;%1&apos; selects from a file and uses search(), which do not go together. Remove search() or change the select type.</translation>
    </message>
    <message>
        <source>The question &apos;%1&apos; uses search() with the choice list &apos;%2&apos;, which the question(s) %3 use without search(). Use search() in all of them, or give the search() question a list of its own.</source>
        <translation>The question &apos;%1&apos; uses search() with the choice list &apos;%2&apos;, which the question(s) %3 use without search(). Use search() in all of them, or give the search() question a list of its own.</translation>
    </message>
    <message>
        <source>There is no &apos;entities&apos; sheet, but there are sheets with similar names: %1. To keep a sheet out of the form without this warning, start its name with &apos;_&apos;.</source>
        <translation>There is no &apos;entities&apos; sheet, but there are sheets with similar names: %1. To keep a sheet out of the form without this warning, start its name with &apos;_&apos;.</translation>
    </message>
    <message>
        <source>These columns are not entity columns: %1. Check their spelling or remove them.</source>
        <translation>These columns are not entity columns: %1. Check their spelling or remove them.</translation>
    </message>
    <message>
        <source>The entity list has no name.</source>
        <translation>The entity list has no name.</translation>
    </message>
    <message>
        <source>Entity list names must not begin with two underscores.</source>
        <translation>Entity list names must not begin with two underscores.</translation>
    </message>
    <message>
        <source>Entity list names must not contain a period.</source>
        <translation>Entity list names must not contain a period.</translation>
    </message>
    <message>
        <source>The entity list name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores or hyphens.</source>
        <translation>The entity list name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores or hyphens.</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; has an &apos;update_if&apos; but no &apos;entity_id&apos;: updating an entity needs its id. Add an &apos;entity_id&apos;, or to create entities move the condition to &apos;create_if&apos;.</source>
        <translation>The entity list &apos;%1&apos; has an &apos;update_if&apos; but no &apos;entity_id&apos;: updating an entity needs its id. Add an &apos;entity_id&apos;, or to create entities move the condition to &apos;create_if&apos;.</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; has an &apos;entity_id&apos; and a &apos;create_if&apos; but no &apos;update_if&apos;, which creating or updating needs. Add an &apos;update_if&apos;, or to only create entities remove the &apos;entity_id&apos;.</source>
        <translation>The entity list &apos;%1&apos; has an &apos;entity_id&apos; and a &apos;create_if&apos; but no &apos;update_if&apos;, which creating or updating needs. Add an &apos;update_if&apos;, or to only create entities remove the &apos;entity_id&apos;.</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; has no label, which creating entities needs. Add a &apos;label&apos;, or to update entities give an &apos;entity_id&apos;.</source>
        <translation>The entity list &apos;%1&apos; has no label, which creating entities needs. Add a &apos;label&apos;, or to update entities give an &apos;entity_id&apos;.</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is declared twice.</source>
        <translation>The entity list &apos;%1&apos; is declared twice.</translation>
    </message>
    <message>
        <source>To save entity properties with save_to, add an &apos;entities&apos; sheet that declares an entity list.</source>
        <translation>To save entity properties with save_to, add an &apos;entities&apos; sheet that declares an entity list.</translation>
    </message>
    <message>
        <source>A save_to value has at most one &apos;#&apos;.</source>
        <translation>A save_to value has at most one &apos;#&apos;.</translation>
    </message>
    <message>
        <source>With more than one entity list, save_to names must start with the list they belong to, as in &apos;list#property&apos;.</source>
        <translation>With more than one entity list, save_to names must start with the list they belong to, as in &apos;list#property&apos;.</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is not on the entities sheet.</source>
        <translation>The entity list &apos;%1&apos; is not on the entities sheet.</translation>
    </message>
    <message>
        <source>The save_to name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</source>
        <translation>The save_to name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</translation>
    </message>
    <message>
        <source>Groups and repeats cannot be saved as entity properties. Remove the save_to value from this row.</source>
        <translation>Groups and repeats cannot be saved as entity properties. Remove the save_to value from this row.</translation>
    </message>
    <message>
        <source>An entity property cannot be called &apos;name&apos; or &apos;label&apos;.</source>
        <translation>An entity property cannot be called &apos;name&apos; or &apos;label&apos;.</translation>
    </message>
    <message>
        <source>Entity property names must not begin with two underscores.</source>
        <translation>Entity property names must not begin with two underscores.</translation>
    </message>
    <message>
        <source>The entity property &apos;%1&apos; is already saved by row %2. Remove or rename one of them.</source>
        <translation>The entity property &apos;%1&apos; is already saved by row %2. Remove or rename one of them.</translation>
    </message>
    <message>
        <source>The form name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</source>
        <translation>The form name &apos;%1&apos; is not valid: names must begin with a letter or underscore, then hold only letters, digits, underscores, hyphens or periods.</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is saved to from the container &apos;%2&apos;, which does not fit with this save_to in &apos;%3&apos;. Copy the value into one container with a calculate question, and save that.</source>
        <translation>The entity list &apos;%1&apos; is saved to from the container &apos;%2&apos;, which does not fit with this save_to in &apos;%3&apos;. Copy the value into one container with a calculate question, and save that.</translation>
    </message>
    <message>
        <source>The entity list &apos;%1&apos; is used in the container &apos;%2&apos;, which does not fit with the reference to &apos;%3&apos; in &apos;%4&apos;. Copy the value into one container with a calculate question, and use that.</source>
        <translation>The entity list &apos;%1&apos; is used in the container &apos;%2&apos;, which does not fit with the reference to &apos;%3&apos; in &apos;%4&apos;. Copy the value into one container with a calculate question, and use that.</translation>
    </message>
    <message>
        <source>Each container (survey, group or repeat) can hold only one entity, and there is no free container in &apos;%1&apos;: it went to the entity on row %2. Check which entities the save_to column saves to, and which questions the entities sheet references.</source>
        <translation>Each container (survey, group or repeat) can hold only one entity, and there is no free container in &apos;%1&apos;: it went to the entity on row %2. Check which entities the save_to column saves to, and which questions the entities sheet references.</translation>
    </message>
    <message>
        <source>The file is not a markdown table: it has fewer than five &apos;|&apos; characters at its start.</source>
        <translation>The file is not a markdown table: it has fewer than five &apos;|&apos; characters at its start.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Cannot read %1: %2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MB, more than a form can be.</source>
        <translation>%1 is larger than %2 MB, more than a form can be.</translation>
    </message>
    <message>
        <source>The reference ${%1} names no question: there is no &apos;%1&apos; in the survey.</source>
        <translation>The reference ${%1} names no question: there is no &apos;%1&apos; in the survey.</translation>
    </message>
    <message>
        <source>Two secondary instances would have the id &apos;%1&apos;: %2 (%3) and %4 (%5). Rename the file, list or question so that each instance has its own name.</source>
        <translation>Two secondary instances would have the id &apos;%1&apos;: %2 (%3) and %4 (%5). Rename the file, list or question so that each instance has its own name.</translation>
    </message>
    <message>
        <source>the choice list</source>
        <translation>the choice list</translation>
    </message>
    <message>
        <source>The reference ${%1} names no question.</source>
        <translation>The reference ${%1} names no question.</translation>
    </message>
    <message>
        <source>These languages have no code a program can read: %1. Write a language as &apos;Name (code)&apos;, for example &apos;English (en)&apos; or &apos;中文 (zh)&apos;.</source>
        <translation>These languages have no code a program can read: %1. Write a language as &apos;Name (code)&apos;, for example &apos;English (en)&apos; or &apos;中文 (zh)&apos;.</translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;, row %2, column &apos;%3&apos;: </source>
        <translation>Sheet &apos;%1&apos;, row %2, column &apos;%3&apos;: </translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;, row %2: </source>
        <translation>Sheet &apos;%1&apos;, row %2: </translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;, column &apos;%2&apos;: </source>
        <translation>Sheet &apos;%1&apos;, column &apos;%2&apos;: </translation>
    </message>
    <message>
        <source>Sheet &apos;%1&apos;: </source>
        <translation>Sheet &apos;%1&apos;: </translation>
    </message>
    <message>
        <source>The part %1 of the spreadsheet cannot be read.</source>
        <translation>The part %1 of the spreadsheet cannot be read.</translation>
    </message>
    <message>
        <source>The part %1 of the spreadsheet is damaged.</source>
        <translation>The part %1 of the spreadsheet is damaged.</translation>
    </message>
    <message>
        <source>The spreadsheet inflates to more than a form can hold (%1 is too large).</source>
        <translation>The spreadsheet inflates to more than a form can hold (%1 is too large).</translation>
    </message>
    <message>
        <source>A sheet has more rows than a spreadsheet can.</source>
        <translation>A sheet has more rows than a spreadsheet can.</translation>
    </message>
    <message>
        <source>A cell has the reference &quot;%1&quot;, which is not a cell.</source>
        <translation>A cell has the reference &quot;%1&quot;, which is not a cell.</translation>
    </message>
    <message>
        <source>A cell lies beyond the last column or row a spreadsheet can have.</source>
        <translation>A cell lies beyond the last column or row a spreadsheet can have.</translation>
    </message>
    <message>
        <source>A cell refers to a shared string the spreadsheet does not have.</source>
        <translation>A cell refers to a shared string the spreadsheet does not have.</translation>
    </message>
    <message>
        <source>The spreadsheet has more cells than a form can (%1).</source>
        <translation>The spreadsheet has more cells than a form can (%1).</translation>
    </message>
    <message>
        <source>A sheet of the spreadsheet is not well-formed XML: %1</source>
        <translation>A sheet of the spreadsheet is not well-formed XML: %1</translation>
    </message>
    <message>
        <source>The spreadsheet is larger than a form can be.</source>
        <translation>The spreadsheet is larger than a form can be.</translation>
    </message>
    <message>
        <source>The file is not an .xlsx spreadsheet (it is not a readable zip archive). Save it from Excel or WPS as &quot;Excel Workbook (.xlsx)&quot;.</source>
        <translation>The file is not an .xlsx spreadsheet (it is not a readable zip archive). Save it from Excel or WPS as &quot;Excel Workbook (.xlsx)&quot;.</translation>
    </message>
    <message>
        <source>The file is a zip archive but not an .xlsx spreadsheet: it has no workbook.</source>
        <translation>The file is a zip archive but not an .xlsx spreadsheet: it has no workbook.</translation>
    </message>
    <message>
        <source>The shared strings of the spreadsheet are not well-formed XML.</source>
        <translation>The shared strings of the spreadsheet are not well-formed XML.</translation>
    </message>
    <message>
        <source>The spreadsheet has more sheets than a form can.</source>
        <translation>The spreadsheet has more sheets than a form can.</translation>
    </message>
    <message>
        <source>The workbook part of the spreadsheet is not well-formed XML.</source>
        <translation>The workbook part of the spreadsheet is not well-formed XML.</translation>
    </message>
    <message>
        <source>The spreadsheet has more rows and columns than a form can.</source>
        <translation>The spreadsheet has more rows and columns than a form can.</translation>
    </message>
    <message>
        <source>The column &apos;%1&apos; does not name an attribute: after &apos;::&apos; must come a name (letters, digits, &apos;_&apos;, &apos;-&apos;, &apos;.&apos;, one &apos;:&apos;).</source>
        <translation>The column &apos;%1&apos; does not name an attribute: after &apos;::&apos; must come a name (letters, digits, &apos;_&apos;, &apos;-&apos;, &apos;.&apos;, one &apos;:&apos;).</translation>
    </message>
    <message>
        <source>The cell holds a control character (code %1), which a form cannot carry. Delete it from the cell.</source>
        <translation>The cell holds a control character (code %1), which a form cannot carry. Delete it from the cell.</translation>
    </message>
    <message>
        <source>The column header &apos;%1&apos; is not a name (it has a space or a sign a name cannot hold) and is left out.</source>
        <translation>The column header &apos;%1&apos; is not a name (it has a space or a sign a name cannot hold) and is left out.</translation>
    </message>
    <message>
        <source>The name &apos;%1…&apos; is longer than %2 characters.</source>
        <translation>The name &apos;%1…&apos; is longer than %2 characters.</translation>
    </message>
    <message>
        <source>The repeat &apos;%1&apos; has no label: people will not know what each entry is for.</source>
        <translation>The repeat &apos;%1&apos; has no label: people will not know what each entry is for.</translation>
    </message>
    <message>
        <source>Groups and repeats are nested more than %1 deep.</source>
        <translation>Groups and repeats are nested more than %1 deep.</translation>
    </message>
    <message>
        <source>%1 is no longer given by most devices: only old versions of ODK Collect on Android before 11 have it.</source>
        <translation>%1 is no longer given by most devices: only old versions of ODK Collect on Android before 11 have it.</translation>
    </message>
    <message>
        <source>The loops make more than %1 questions.</source>
        <translation>The loops make more than %1 questions.</translation>
    </message>
    <message>
        <source>Language &apos;%1&apos; has no %2 column(s) on the &apos;%3&apos; sheet: %4.</source>
        <translation>Language &apos;%1&apos; has no %2 column(s) on the &apos;%3&apos; sheet: %4.</translation>
    </message>
    <message>
        <source>The form uses or_other and translations: the &apos;Other&apos; choice and the question that asks for it are not translated.</source>
        <translation>The form uses or_other and translations: the &apos;Other&apos; choice and the question that asks for it are not translated.</translation>
    </message>
    <message>
        <source>A row of the table has more than %1 columns.</source>
        <translation>A row of the table has more than %1 columns.</translation>
    </message>
    <message>
        <source>The reference ${%1} is ambiguous: there is more than one &apos;%1&apos; (a loop copies its questions). Refer to a question outside the loop.</source>
        <translation>The reference ${%1} is ambiguous: there is more than one &apos;%1&apos; (a loop copies its questions). Refer to a question outside the loop.</translation>
    </message>
    <message>
        <source>The XForm would be larger than %1 MB, more than a form can be.</source>
        <translation>The XForm would be larger than %1 MB, more than a form can be.</translation>
    </message>
    <message>
        <source>The spreadsheet&apos;s cells hold more text than a form can (%1 million characters).</source>
        <translation>The spreadsheet&apos;s cells hold more text than a form can (%1 million characters).</translation>
    </message>
    <message>
        <source>The sheet &apos;%1&apos; has two columns headed &apos;%2&apos;.</source>
        <translation>The sheet &apos;%1&apos; has two columns headed &apos;%2&apos;.</translation>
    </message>
</context>
<context>
    <name>XmlDocument</name>
    <message>
        <source>document type declarations (DTD) are not accepted: a form must not declare entities or a document type</source>
        <translation>document type declarations (DTD) are not accepted: a form must not declare entities or a document type</translation>
    </message>
    <message>
        <source>entity reference &apos;&amp;%1;&apos; is not accepted: only the five predefined XML entities may be used</source>
        <translation>entity reference &apos;&amp;%1;&apos; is not accepted: only the five predefined XML entities may be used</translation>
    </message>
    <message numerus="yes">
        <source>elements are nested more than %n levels deep</source>
        <translation>
            <numerusform>elements are nested more than %n level deep</numerusform>
            <numerusform>elements are nested more than %n levels deep</numerusform>
        </translation>
    </message>
    <message>
        <source>the document is empty</source>
        <translation>the document is empty</translation>
    </message>
    <message>
        <source>not well-formed XML: %1</source>
        <translation>not well-formed XML: %1</translation>
    </message>
    <message>
        <source>the document has no root element</source>
        <translation>the document has no root element</translation>
    </message>
    <message>
        <source>a name was expected</source>
        <translation>a name was expected</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid name</source>
        <translation>&apos;%1&apos; is not a valid name</translation>
    </message>
    <message>
        <source>malformed character reference</source>
        <translation>malformed character reference</translation>
    </message>
    <message>
        <source>character reference to a character XML does not allow</source>
        <translation>character reference to a character XML does not allow</translation>
    </message>
    <message>
        <source>an attribute value must be quoted</source>
        <translation>an attribute value must be quoted</translation>
    </message>
    <message>
        <source>&apos;&lt;&apos; is not allowed in an attribute value</source>
        <translation>&apos;&lt;&apos; is not allowed in an attribute value</translation>
    </message>
    <message>
        <source>the attribute value is not closed</source>
        <translation>the attribute value is not closed</translation>
    </message>
    <message>
        <source>the comment is not closed</source>
        <translation>the comment is not closed</translation>
    </message>
    <message>
        <source>&apos;--&apos; is not allowed inside a comment</source>
        <translation>&apos;--&apos; is not allowed inside a comment</translation>
    </message>
    <message>
        <source>the XML declaration may only appear at the very start</source>
        <translation>the XML declaration may only appear at the very start</translation>
    </message>
    <message>
        <source>a processing instruction target cannot contain &apos;:&apos;</source>
        <translation>a processing instruction target cannot contain &apos;:&apos;</translation>
    </message>
    <message>
        <source>the processing instruction is not closed</source>
        <translation>the processing instruction is not closed</translation>
    </message>
    <message>
        <source>a space must follow the processing instruction target</source>
        <translation>a space must follow the processing instruction target</translation>
    </message>
    <message>
        <source>&apos;]]&gt;&apos; is not allowed in text</source>
        <translation>&apos;]]&gt;&apos; is not allowed in text</translation>
    </message>
    <message>
        <source>text is not allowed outside the document element</source>
        <translation>text is not allowed outside the document element</translation>
    </message>
    <message>
        <source>CDATA is not allowed outside the document element</source>
        <translation>CDATA is not allowed outside the document element</translation>
    </message>
    <message>
        <source>the CDATA section is not closed</source>
        <translation>the CDATA section is not closed</translation>
    </message>
    <message>
        <source>the start tag is not closed</source>
        <translation>the start tag is not closed</translation>
    </message>
    <message>
        <source>white space is needed between attributes</source>
        <translation>white space is needed between attributes</translation>
    </message>
    <message>
        <source>&apos;=&apos; must follow the attribute name</source>
        <translation>&apos;=&apos; must follow the attribute name</translation>
    </message>
    <message>
        <source>the attribute &apos;%1&apos; appears twice</source>
        <translation>the attribute &apos;%1&apos; appears twice</translation>
    </message>
    <message>
        <source>invalid namespace declaration &apos;%1&apos;</source>
        <translation>invalid namespace declaration &apos;%1&apos;</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid qualified name</source>
        <translation>&apos;%1&apos; is not a valid qualified name</translation>
    </message>
    <message>
        <source>the namespace prefix &apos;%1&apos; is not declared</source>
        <translation>the namespace prefix &apos;%1&apos; is not declared</translation>
    </message>
    <message>
        <source>the end tag is not closed</source>
        <translation>the end tag is not closed</translation>
    </message>
    <message>
        <source>end tag &lt;/%1&gt; without a start tag</source>
        <translation>end tag &lt;/%1&gt; without a start tag</translation>
    </message>
    <message>
        <source>end tag &lt;/%1&gt; does not match the start tag &lt;%2&gt;</source>
        <translation>end tag &lt;/%1&gt; does not match the start tag &lt;%2&gt;</translation>
    </message>
    <message>
        <source>the character U+%1 is not allowed in XML</source>
        <translation>the character U+%1 is not allowed in XML</translation>
    </message>
    <message>
        <source>the document is not valid UTF-8</source>
        <translation>the document is not valid UTF-8</translation>
    </message>
    <message>
        <source>the XML declaration is not closed</source>
        <translation>the XML declaration is not closed</translation>
    </message>
    <message>
        <source>the XML declaration needs a version</source>
        <translation>the XML declaration needs a version</translation>
    </message>
    <message>
        <source>unexpected markup &apos;&lt;!&apos;</source>
        <translation>unexpected markup &apos;&lt;!&apos;</translation>
    </message>
    <message>
        <source>only one document element is allowed</source>
        <translation>only one document element is allowed</translation>
    </message>
    <message>
        <source>the document ends before &lt;/%1&gt;</source>
        <translation>the document ends before &lt;/%1&gt;</translation>
    </message>
    <message>
        <source>&apos;&amp;&apos; must start an entity or character reference ending in &apos;;&apos; (write &amp;amp; for a literal &amp;)</source>
        <translation>&apos;&amp;&apos; must start an entity or character reference ending in &apos;;&apos; (write &amp;amp; for a literal &amp;)</translation>
    </message>
    <message numerus="yes">
        <source>an element has more than %n attributes</source>
        <translation>
            <numerusform>an element has more than %n attribute</numerusform>
            <numerusform>an element has more than %n attributes</numerusform>
        </translation>
    </message>
    <message>
        <source>the encoding &apos;%1&apos; is not supported: send the document in UTF-8</source>
        <translation>the encoding &apos;%1&apos; is not supported: send the document in UTF-8</translation>
    </message>
    <message>
        <source>the document is not valid %1</source>
        <translation>the document is not valid %1</translation>
    </message>
    <message>
        <source>not well-formed XML: the document&apos;s encoding cannot be read</source>
        <translation>not well-formed XML: the document&apos;s encoding cannot be read</translation>
    </message>
</context>
<context>
    <name>survey::analysis</name>
    <message>
        <source>The city has %1 households in “%2”, but none of them was surveyed: there is no city figure. Survey some, or count them in another group.</source>
        <translation>The city has %1 households in “%2”, but none of them was surveyed: there is no city figure. Survey some, or count them in another group.</translation>
    </message>
    <message>
        <source>No number of households is given for “%1”: its surveyed households are left out of the city figure.</source>
        <translation>No number of households is given for “%1”: its surveyed households are left out of the city figure.</translation>
    </message>
</context>
<context>
    <name>survey::app::Account</name>
    <message>
        <source>The server address is not a web address (https://…).</source>
        <translation>The server address is not a web address (https://…).</translation>
    </message>
    <message>
        <source>This device cannot keep the password: the app will ask for it again after it restarts.</source>
        <translation>This device cannot keep the password: the app will ask for it again after it restarts.</translation>
    </message>
</context>
<context>
    <name>survey::app::Backend</name>
    <message>
        <source>The data folder is not open.</source>
        <translation>The data folder is not open.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Cannot read %1: %2</translation>
    </message>
    <message>
        <source>Form added: %1</source>
        <translation>Form added: %1</translation>
    </message>
    <message>
        <source>The form %1 is not on this device.</source>
        <translation>The form %1 is not on this device.</translation>
    </message>
    <message>
        <source>The form cannot be used (line %1): %2</source>
        <translation>The form cannot be used (line %1): %2</translation>
    </message>
    <message>
        <source>This record cannot be opened.</source>
        <translation>This record cannot be opened.</translation>
    </message>
    <message>
        <source>This record cannot be opened: %1</source>
        <translation>This record cannot be opened: %1</translation>
    </message>
    <message>
        <source>%1 is too large to be a form.</source>
        <translation>%1 is too large to be a form.</translation>
    </message>
    <message>
        <source>%1 is not a form that can be used: %2</source>
        <translation>%1 is not a form that can be used: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s) from the spreadsheet:</source>
        <translation>
            <numerusform>%n warning from the spreadsheet:</numerusform>
            <numerusform>%n warnings from the spreadsheet:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>survey::app::Dashboard</name>
    <message>
        <source>(no answer)</source>
        <translation>(no answer)</translation>
    </message>
    <message>
        <source>The form&apos;s analysis.json is not used: %1</source>
        <translation>The form&apos;s analysis.json is not used: %1</translation>
    </message>
    <message>
        <source>Whole city</source>
        <translation>Whole city</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 cannot be read: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a list of households per group.</source>
        <translation>%1 is too large to be a list of households per group.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not “group,households”: nothing was imported.</source>
        <translation>Line %1 of %2 is not “group,households”: nothing was imported.</translation>
    </message>
    <message>
        <source>%1 has no households per group.</source>
        <translation>%1 has no households per group.</translation>
    </message>
    <message numerus="yes">
        <source>Households read for %n group(s).</source>
        <translation>
            <numerusform>Households read for %n group.</numerusform>
            <numerusform>Households read for %n groups.</numerusform>
        </translation>
    </message>
    <message>
        <source>The figures are saved as CSV files in %1.</source>
        <translation>The figures are saved as CSV files in %1.</translation>
    </message>
    <message>
        <source>approved submissions only</source>
        <translation>approved submissions only</translation>
    </message>
    <message>
        <source>collected by %1</source>
        <translation>collected by %1</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>from %1</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>to %1</translation>
    </message>
    <message>
        <source>“%1” is “%2”</source>
        <translation>“%1” is “%2”</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message numerus="yes">
        <source>The report is saved: %1 (%n page(s)).</source>
        <translation>
            <numerusform>The report is saved: %1 (%n page).</numerusform>
            <numerusform>The report is saved: %1 (%n pages).</numerusform>
        </translation>
    </message>
    <message>
        <source>No folder was chosen: the report is not saved.</source>
        <translation>No folder was chosen: the report is not saved.</translation>
    </message>
</context>
<context>
    <name>survey::app::FormController</name>
    <message>
        <source>This record is finalized; reopen it to change answers.</source>
        <translation>This record is finalized; reopen it to change answers.</translation>
    </message>
    <message>
        <source>The data folder is not open.</source>
        <translation>The data folder is not open.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Cannot read %1: %2</translation>
    </message>
    <message>
        <source>Cannot read the picture %1: %2</source>
        <translation>Cannot read the picture %1: %2</translation>
    </message>
    <message>
        <source>No barcode or QR code was found in this picture. Take it again closer and sharper, or type the code.</source>
        <translation>No barcode or QR code was found in this picture. Take it again closer and sharper, or type the code.</translation>
    </message>
    <message>
        <source>This record was sent: it can be read, not changed.</source>
        <translation>This record was sent: it can be read, not changed.</translation>
    </message>
    <message>
        <source>Check this answer</source>
        <translation>Check this answer</translation>
    </message>
</context>
<context>
    <name>survey::app::FormOutline</name>
    <message>
        <source>, </source>
        <extracomment>Between the chosen answers of a multiple choice in the question list</extracomment>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>survey::app::FormPosition</name>
    <message>
        <source>Entry %1 of %2</source>
        <translation>Entry %1 of %2</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 of %3</translation>
    </message>
</context>
<context>
    <name>survey::app::Positioning</name>
    <message numerus="yes">
        <source>No location found in %n second(s). Move outside or near a window and try again, or type the location above.</source>
        <translation>
            <numerusform>No location found in %n second. Move outside or near a window and try again, or type the location above.</numerusform>
            <numerusform>No location found in %n seconds. Move outside or near a window and try again, or type the location above.</numerusform>
        </translation>
    </message>
    <message>
        <source>This device has no positioning. Type the location above as latitude and longitude (for example 38.87 115.46).</source>
        <translation>This device has no positioning. Type the location above as latitude and longitude (for example 38.87 115.46).</translation>
    </message>
    <message>
        <source>The app may not use the location: allow it in the device&apos;s settings, or type the location above.</source>
        <translation>The app may not use the location: allow it in the device&apos;s settings, or type the location above.</translation>
    </message>
    <message>
        <source>The location cannot be found on this device: type it above.</source>
        <translation>The location cannot be found on this device: type it above.</translation>
    </message>
</context>
<context>
    <name>survey::app::Sync</name>
    <message>
        <source>Sending %1 of %2…</source>
        <translation>Sending %1 of %2…</translation>
    </message>
    <message>
        <source>, </source>
        <extracomment>Between the parts of the sending summary (&quot;1 sent, 2 not sent&quot;)</extracomment>
        <translation>, </translation>
    </message>
    <message numerus="yes">
        <source>%n sent</source>
        <translation>
            <numerusform>%n sent</numerusform>
            <numerusform>%n sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not sent</source>
        <translation>
            <numerusform>%n not sent</numerusform>
            <numerusform>%n not sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n returned for correction</source>
        <translation>
            <numerusform>%n returned for correction</numerusform>
            <numerusform>%n returned for correction</numerusform>
        </translation>
    </message>
    <message>
        <source>The server refused the user name or password.</source>
        <translation>The server refused the user name or password.</translation>
    </message>
    <message>
        <source>No server is set up: sign in to a server in Settings to send.</source>
        <translation>No server is set up: sign in to a server in Settings to send.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>Downloading submissions to review: %1 of %2 (%3 of %4)</source>
        <translation>Downloading submissions to review: %1 of %2 (%3 of %4)</translation>
    </message>
    <message>
        <source>Downloading submissions to review: %1 of %2</source>
        <translation>Downloading submissions to review: %1 of %2</translation>
    </message>
    <message numerus="yes">
        <source>%n to review</source>
        <translation>
            <numerusform>%n to review</numerusform>
            <numerusform>%n to review</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n not downloaded (tried again next time)</source>
        <translation>
            <numerusform>%n not downloaded (tried again next time)</numerusform>
            <numerusform>%n not downloaded (tried again next time)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) refused: the submission changed</source>
        <translation>
            <numerusform>%n decision refused: the submission changed</numerusform>
            <numerusform>%n decisions refused: the submission changed</numerusform>
        </translation>
    </message>
</context>
</TS>
