"""XML documents that attack a parser: entity expansion and an external entity (the hardened parser must refuse both)."""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<m:Structure xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
 xmlns:s="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
 xmlns:c="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"><m:Structures><s:Codelists>
<s:Codelist id="GEO" agencyID="ESTAT" version="1.0"><s:Code id="BE"><c:Name xml:lang="en">&lol9;</c:Name></s:Code>
</s:Codelist></s:Codelists></m:Structures></m:Structure>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE m:Structure [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<m:Structure xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
 xmlns:s="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
 xmlns:c="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"><m:Structures><s:Codelists>
<s:Codelist id="UNIT" agencyID="ESTAT" version="1.0"><s:Code id="PC_ENT"><c:Name xml:lang="en">&secret;</c:Name></s:Code>
</s:Codelist></s:Codelists></m:Structures></m:Structure>"""
