<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Mailpulse::Ui::ContactsView</name>
    <message numerus="yes">
        <source>Imported the details of %n address(es).</source>
        <translation>
            <numerusform>Imported the details of %n address.</numerusform>
            <numerusform>Imported the details of %n addresses.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;: listed for %2, %n failure(s), the last %3 (%4) at %5; failing since %6.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: listed for %2, %n failure, the last %3 (%4) at %5; failing since %6.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: listed for %2, %n failures, the last %3 (%4) at %5; failing since %6.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::DashboardView</name>
    <message numerus="yes">
        <source>%n domain(s), updated in %1 ms</source>
        <translation>
            <numerusform>%n domain, updated in %1 ms</numerusform>
            <numerusform>%n domains, updated in %1 ms</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::ImportView</name>
    <message numerus="yes">
        <source>Importing %n path(s)…</source>
        <translation>
            <numerusform>Importing %n path…</numerusform>
            <numerusform>Importing %n paths…</numerusform>
        </translation>
    </message>
</context>
</TS>
