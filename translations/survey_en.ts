<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Expression</name>
    <message>
        <source>&apos;/&apos; can only follow a node-set, not a %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;|&apos; joins node-sets only, not a %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a predicate can only filter a node-set, not a %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>argument %1 of %2() must be a node-set, not a %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a list of geopoints (&quot;lat lon [alt acc]&quot; separated by &apos;;&apos;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>there is no instance with id &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invalid regular expression &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weighted-checklist() needs its values and weights in pairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>uuid() length must be between 0 and 100000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>digest(): unknown algorithm &apos;%1&apos; (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>digest(): unknown encoding &apos;%1&apos; (use base64 or hex)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>randomize(): the seed must be a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a valid date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>indexed-repeat() takes a node and then pairs of repeat and index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pulldata(): there is no data file &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;!&apos; must be followed by &apos;=&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected &apos;:&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unterminated string literal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;$&apos; must be followed by a variable name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>malformed number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected character &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected an operator but found &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a name must follow the prefix &apos;%1:&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unexpected %1 after the end of the expression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>end of expression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>string &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>number %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the expression is nested too deeply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the expression ends where a value was expected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected a value but found %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a location step must follow &apos;/&apos;, found %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown axis &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &apos;(&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &apos;)&apos; to close %1()</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected a node test but found %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>namespace prefix &apos;%1&apos; is not declared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &apos;]&apos; to close the predicate, found %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>variable references ($%1) are not supported in forms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &apos;)&apos; but found %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected &apos;,&apos; or &apos;)&apos; in the arguments of %1(), found %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown function: %1()</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1() takes %n argument(s), not %2</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1() cannot take %n argument(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExternalData</name>
    <message>
        <source>the CSV file has an unterminated quoted field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the CSV file is empty: it needs a header row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV column %1 has the name &apos;%2&apos;, which cannot be used as an element name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: external instance source &apos;%1&apos; (supported: jr://file/NAME.xml, jr://file/NAME.csv, jr://file-csv/NAME.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>external file name &apos;%1&apos; must be a plain file name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: GeoJSON external instances (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the external file &apos;%1&apos; is missing: put it in the form&apos;s media folder (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1:%2:%3: %4</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FormCommands</name>
    <message>
        <source>usage: %1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1: &quot;%2&quot; formID=%3 version=%4: %n question(s), %5 group(s), %6 repeat(s), languages: %7
</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: error: cannot read the answers: %2
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: error: the answers must be a JSON object of path: value (%2)
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>found another JSON value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error: the form has no language &apos;%1&apos; (it has: %2)
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist in this form</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FormDefinition</name>
    <message>
        <source>cannot read the form: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FormParser</name>
    <message>
        <source>dependency cycle: %1 (each of these computes from the next)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 &quot;%3&quot;: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the root element must be &lt;h:html&gt;, not %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h:body&gt; must come after &lt;h:head&gt; and its &lt;model&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the form has no &lt;h:head&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the form has no &lt;model&gt; in &lt;h:head&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: entities spec version %1 (supported: 2022.1 to 2025.1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the &lt;model&gt; has no &lt;instance&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>the primary &lt;instance&gt; must hold exactly one root element, it holds %n</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>unsupported: &lt;send&gt; actions (a CommCare extension)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a secondary &lt;instance&gt; needs an id attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>two instances have the id &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>instance &apos;%1&apos;: there is no primary instance to copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>instance &apos;%1&apos;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>instance &apos;%1&apos; is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;output&gt; needs a value attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;translation&gt; needs a lang attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;text&gt; needs an id attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: %1 ref=&quot;%2&quot; (only jr:itext(&apos;id&apos;) is supported here)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 refers to itext id &apos;%2&apos;, which no &lt;translation&gt; defines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: %1 with a computed reference &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;repeat&gt; needs a nodeset attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: %1 %2=&quot;%3&quot; is not a plain path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2=&quot;%3&quot; refers to %4, which is not in the primary instance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;bind&gt; needs a nodeset attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: data type &apos;%1&apos; on the bind for %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the %1 expression for %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: &lt;action&gt; blocks (use setvalue with an event attribute)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 must be in the ODK namespace (%2), write it as odk:setgeopoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs an event attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the odk-new-repeat event belongs in the body, inside the &lt;repeat&gt; it reacts to, not in the &lt;model&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the xforms-value-changed event belongs inside the control whose value it watches, not in the &lt;model&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: event &apos;%1&apos; on %2 (supported: odk-instance-first-load, odk-instance-load, odk-new-repeat, xforms-value-changed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs a ref attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 directly in the body needs an enclosing control or repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unsupported: body element %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 jr:imageDimensionScaledMax=&quot;%2&quot; is not a size in pixels (e.g. 800px)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;rank&gt; must be in the ODK namespace, write it as odk:rank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 bind=&quot;%2&quot; names no &lt;bind id&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;range&gt; needs numeric start, end and step, with a positive step that divides end - start (start=&quot;%1&quot; end=&quot;%2&quot; step=&quot;%3&quot;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;item&gt; needs a &lt;value&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>choice value &apos;%1&apos; contains a space, which a multiple-choice answer cannot hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 for %2 has no choices (no &lt;item&gt; and no &lt;itemset&gt;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs a nodeset attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs &lt;value ref=&quot;…&quot;/&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;itemset&gt; needs &lt;label ref=&quot;…&quot;/&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FormSession</name>
    <message>
        <source>the saved instance is not readable XML (%1:%2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the saved instance has root &lt;%1&gt; but the form expects &lt;%2&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an absolute instance path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid step in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>positions start at 1 in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an attribute can only be the last step of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist in this form</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1: the repeat has %n instance(s) and its count is set by the form</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date (YYYY-MM-DD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a time (HH:MM:SS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date and time (YYYY-MM-DDTHH:MM:SS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not true or false</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a location (&quot;latitude longitude [altitude accuracy]&quot;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a shape needs at least 4 points, the last equal to the first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a trace needs at least 2 points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not one of the choices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this node is not part of the form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This question requires an answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This answer is not allowed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This answer has the wrong type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This question does not exist in the form.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SurveyCli</name>
    <message>
        <source>usage: survey-cli COMMAND ...
  validate FORM.xml                  check that a form loads; print a summary
  inspect FORM.xml --json            the form&apos;s questions as JSON
  fill FORM.xml --answers FILE.json [--lang LANG] [--media DIR]
                                     fill a form and print the submission XML
  xpath DOC.xml [--context PATH] [--ns P=URI]... [--type T] (EXPR | --batch)
                                     evaluate XPath against any XML document
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>XPathCommand</name>
    <message>
        <source>unknown result type &apos;%1&apos; (use any, boolean, number, string or nodeset)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>context path: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>context path &apos;%1&apos; does not select exactly one node</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at character %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the result is a %1, not a node-set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>usage: survey-cli xpath DOC.xml [--context PATH] [--ns PREFIX=URI]... [--type any|boolean|number|string|nodeset] (EXPR | --batch)
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not a JSON object: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;expr&quot; is missing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>XmlDocument</name>
    <message>
        <source>document type declarations (DTD) are not accepted: a form must not declare entities or a document type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>entity reference &apos;&amp;%1;&apos; is not accepted: only the five predefined XML entities may be used</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>elements are nested more than %n levels deep</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>the document is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not well-formed XML: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the document has no root element</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
