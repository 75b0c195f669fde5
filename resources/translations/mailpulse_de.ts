<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>Mailpulse::Lab</name>
    <message>
        <source>Well-behaved ESMTP server, STARTTLS with the lab-CA certificate</source>
        <translation>Ordentlicher ESMTP-Server, STARTTLS mit dem Zertifikat der Labor-CA</translation>
    </message>
    <message>
        <source>success accepted (2.1.5 at RCPT); TLS verified with --ca-file &lt;lab CA&gt;</source>
        <translation>Erfolg accepted (2.1.5 bei RCPT); TLS geprüft mit --ca-file &lt;Labor-CA&gt;</translation>
    </message>
    <message>
        <source>Well-behaved ESMTP server without STARTTLS</source>
        <translation>Ordentlicher ESMTP-Server ohne STARTTLS</translation>
    </message>
    <message>
        <source>success accepted with a no-STARTTLS finding; 4.7.4 soft securityerror with --tls starttls-required</source>
        <translation>Erfolg accepted mit dem Befund „kein STARTTLS“; 4.7.4 soft securityerror mit --tls starttls-required</translation>
    </message>
    <message>
        <source>STARTTLS with a self-signed certificate</source>
        <translation>STARTTLS mit einem selbst signierten Zertifikat</translation>
    </message>
    <message>
        <source>4.7.5 soft securityerror (phase tls); success with --no-verify</source>
        <translation>4.7.5 soft securityerror (Phase tls); Erfolg mit --no-verify</translation>
    </message>
    <message>
        <source>STARTTLS with a certificate signed by the lab CA</source>
        <translation>STARTTLS mit einem von der Labor-CA signierten Zertifikat</translation>
    </message>
    <message>
        <source>success with --ca-file &lt;lab CA&gt;; 4.7.5 soft securityerror (phase tls) without it</source>
        <translation>Erfolg mit --ca-file &lt;Labor-CA&gt;; ohne: 4.7.5 soft securityerror (Phase tls)</translation>
    </message>
    <message>
        <source>TLS from the first byte (port 465 style), lab-CA certificate</source>
        <translation>TLS ab dem ersten Byte (wie Port 465), Zertifikat der Labor-CA</translation>
    </message>
    <message>
        <source>success with --tls implicit --ca-file &lt;lab CA&gt;; 4.4.2 soft networkerror (phase greeting) in plain</source>
        <translation>Erfolg mit --tls implicit --ca-file &lt;Labor-CA&gt;; ohne TLS 4.4.2 soft networkerror (Phase greeting)</translation>
    </message>
    <message>
        <source>Accepts, then closes at once</source>
        <translation>Nimmt die Verbindung an und schließt sie sofort</translation>
    </message>
    <message>
        <source>4.4.2 soft networkerror (phase greeting)</source>
        <translation>4.4.2 soft networkerror (Phase greeting)</translation>
    </message>
    <message>
        <source>Sends 220 then closes</source>
        <translation>Sendet 220 und schließt dann</translation>
    </message>
    <message>
        <source>4.4.2 soft networkerror (phase ehlo)</source>
        <translation>4.4.2 soft networkerror (Phase ehlo)</translation>
    </message>
    <message>
        <source>Greets, closes on EHLO without a reply</source>
        <translation>Begrüßt, schließt bei EHLO ohne Antwort</translation>
    </message>
    <message>
        <source>Accepts STARTTLS, reads the ClientHello, closes without a TLS alert</source>
        <translation>Nimmt STARTTLS an, liest das ClientHello, schließt ohne TLS-Alert</translation>
    </message>
    <message>
        <source>4.4.2 soft networkerror (phase tls)</source>
        <translation>4.4.2 soft networkerror (Phase tls)</translation>
    </message>
    <message>
        <source>Accepts and never sends a byte</source>
        <translation>Nimmt an und sendet nie ein Byte</translation>
    </message>
    <message>
        <source>4.4.2 soft networkerror (phase greeting) when the greeting timeout fires</source>
        <translation>4.4.2 soft networkerror (Phase greeting), wenn die Frist für die Begrüßung abläuft</translation>
    </message>
    <message>
        <source>Nothing listens on this port</source>
        <translation>Auf diesem Port lauscht nichts</translation>
    </message>
    <message>
        <source>4.4.1 soft networkerror (phase connect)</source>
        <translation>4.4.1 soft networkerror (Phase connect)</translation>
    </message>
    <message>
        <source>Sends the greeting one byte at a time (every 2 s by default)</source>
        <translation>Sendet die Begrüßung Byte für Byte (standardmäßig alle 2 s)</translation>
    </message>
    <message>
        <source>4.4.2 soft networkerror (phase greeting) when the greeting deadline fires</source>
        <translation>4.4.2 soft networkerror (Phase greeting), wenn die Frist für die Begrüßung abläuft</translation>
    </message>
    <message>
        <source>RCPT TO answered 451 4.7.1 greylisted</source>
        <translation>Beantwortet RCPT TO mit 451 4.7.1 greylisted</translation>
    </message>
    <message>
        <source>4.7.1 soft greylisted (phase rcpt)</source>
        <translation>4.7.1 soft greylisted (Phase rcpt)</translation>
    </message>
    <message>
        <source>RCPT TO answered 550 5.1.1 user unknown</source>
        <translation>Beantwortet RCPT TO mit 550 5.1.1 user unknown</translation>
    </message>
    <message>
        <source>5.1.1 hard userunknown (phase rcpt)</source>
        <translation>5.1.1 hard userunknown (Phase rcpt)</translation>
    </message>
    <message>
        <source>RCPT TO answered 452 4.2.2 mailbox full</source>
        <translation>Beantwortet RCPT TO mit 452 4.2.2 mailbox full</translation>
    </message>
    <message>
        <source>4.2.2 soft mailboxfull (phase rcpt)</source>
        <translation>4.2.2 soft mailboxfull (Phase rcpt)</translation>
    </message>
    <message>
        <source>Greets with 421 4.3.2 then closes</source>
        <translation>Begrüßt mit 421 4.3.2 und schließt dann</translation>
    </message>
    <message>
        <source>4.3.2 soft systemerror (phase greeting), from the 421 reply</source>
        <translation>4.3.2 soft systemerror (Phase greeting), aus der 421-Antwort</translation>
    </message>
    <message>
        <source>Sends two extra 250 lines in the same write as the 220 to STARTTLS, then behaves</source>
        <translation>Sendet zwei zusätzliche 250-Zeilen im selben Schreibvorgang wie die 220 auf STARTTLS, verhält sich dann normal</translation>
    </message>
    <message>
        <source>success with a critical starttls-injection finding; the injected lines are discarded</source>
        <translation>Erfolg mit dem kritischen Befund starttls-injection; die eingeschleusten Zeilen werden verworfen</translation>
    </message>
    <message>
        <source>Streams bytes without a line end (64 KiB chunks, up to 64 MiB)</source>
        <translation>Sendet Bytes ohne Zeilenende (Blöcke zu 64 KiB, bis 64 MiB)</translation>
    </message>
    <message>
        <source>4.5.0 soft systemerror (phase greeting): oversized reply</source>
        <translation>4.5.0 soft systemerror (Phase greeting): übergroße Antwort</translation>
    </message>
    <message>
        <source>Drops the first connections (2 by default) right after connect, then behaves like healthy</source>
        <translation>Trennt die ersten Verbindungen (standardmäßig 2) gleich nach dem Aufbau, verhält sich dann wie healthy</translation>
    </message>
    <message>
        <source>4.4.2 soft networkerror (phase greeting) for the dropped ones, then success (a retry recovers)</source>
        <translation>4.4.2 soft networkerror (Phase greeting) für die getrennten, dann Erfolg (eine Wiederholung hilft)</translation>
    </message>
    <message>
        <source>Greets with 554 5.7.1 (client blocked by policy), waits for QUIT</source>
        <translation>Begrüßt mit 554 5.7.1 (Client per Richtlinie blockiert), wartet auf QUIT</translation>
    </message>
    <message>
        <source>5.7.1 hard blocked (phase greeting)</source>
        <translation>5.7.1 hard blocked (Phase greeting)</translation>
    </message>
    <message>
        <source>Answers EHLO with 502 5.5.1; HELO works</source>
        <translation>Beantwortet EHLO mit 502 5.5.1; HELO funktioniert</translation>
    </message>
    <message>
        <source>success accepted via the HELO fallback (no ESMTP, so no STARTTLS)</source>
        <translation>Erfolg accepted über den Rückfall auf HELO (kein ESMTP, also kein STARTTLS)</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::ContactsModel</name>
    <message>
        <source>new</source>
        <translation>neu</translation>
    </message>
    <message>
        <source>contacted</source>
        <translation>kontaktiert</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>ignored</source>
        <translation>ignoriert</translation>
    </message>
    <message>
        <source>consecutive failures</source>
        <translation>Fehlschläge in Folge</translation>
    </message>
    <message>
        <source>hard bounce</source>
        <translation>Hard Bounce</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Listed for</source>
        <translation>Gelistet wegen</translation>
    </message>
    <message>
        <source>Failures</source>
        <translation>Fehlschläge</translation>
    </message>
    <message>
        <source>Last status</source>
        <translation>Letzter Status</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>First failure</source>
        <translation>Erster Fehlschlag</translation>
    </message>
    <message>
        <source>Last failure</source>
        <translation>Letzter Fehlschlag</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Alternate e-mail</source>
        <translation>Alternative E-Mail</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::ContactsView</name>
    <message>
        <source>Import contacts</source>
        <translation>Kontakte importieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>CSV-Dateien (*.csv *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Filter: address, domain, status, reason…</source>
        <translation>Filter: Adresse, Domain, Status, Ursache…</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Englisch</translation>
    </message>
    <message>
        <source>German</source>
        <translation>Deutsch</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>Notiz (optional)</translation>
    </message>
    <message>
        <source>Where to reach them when their mail server fails</source>
        <translation>Wie sie erreichbar sind, wenn ihr Mailserver ausfällt</translation>
    </message>
    <message>
        <source>Set status</source>
        <translation>Status setzen</translation>
    </message>
    <message>
        <source>Save details</source>
        <translation>Angaben speichern</translation>
    </message>
    <message>
        <source>Compose…</source>
        <translation>Verfassen…</translation>
    </message>
    <message>
        <source>Import contacts CSV…</source>
        <translation>Kontakte aus CSV importieren…</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Telefon:</translation>
    </message>
    <message>
        <source>Alternate e-mail:</source>
        <translation>Alternative E-Mail:</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>Nachricht:</translation>
    </message>
    <message>
        <source>Cannot read the contact list: %1</source>
        <translation>Die Kontaktliste kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Select a recipient first.</source>
        <translation>Bitte zuerst einen Empfänger auswählen.</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 ist jetzt %2.</translation>
    </message>
    <message>
        <source>%1 is no longer listed.</source>
        <translation>%1 ist nicht mehr gelistet.</translation>
    </message>
    <message>
        <source>Cannot change %1: %2</source>
        <translation>%1 kann nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>Cannot save the details of %1: %2</source>
        <translation>Die Angaben zu %1 können nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved the details of %1.</source>
        <translation>Angaben zu %1 gespeichert.</translation>
    </message>
    <message>
        <source>Enter an alternate e-mail for %1 first.</source>
        <translation>Bitte zuerst eine alternative E-Mail-Adresse für %1 eingeben.</translation>
    </message>
    <message>
        <source>No mail program opened the message to %1.</source>
        <translation>Kein E-Mail-Programm hat die Nachricht an %1 geöffnet.</translation>
    </message>
    <message>
        <source>Message to %1 opened in the mail program.</source>
        <translation>Nachricht an %1 im E-Mail-Programm geöffnet.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Nothing imported from %1: %2</source>
        <translation>Nichts aus %1 importiert: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported the details of %n address(es).</source>
        <translation>
            <numerusform>Angaben zu %n Adresse importiert.</numerusform>
            <numerusform>Angaben zu %n Adressen importiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;: listed for %2, %n failure(s), the last %3 (%4) at %5; failing since %6.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: gelistet wegen %2, %n Fehlschlag, zuletzt %3 (%4) am %5; fehlerhaft seit %6.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: gelistet wegen %2, %n Fehlschläge, zuletzt %3 (%4) am %5; fehlerhaft seit %6.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::DashboardView</name>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Per hour</source>
        <translation>Pro Stunde</translation>
    </message>
    <message>
        <source>Per day</source>
        <translation>Pro Tag</translation>
    </message>
    <message>
        <source>Worst first</source>
        <translation>Schlechteste zuerst</translation>
    </message>
    <message>
        <source>Most probes</source>
        <translation>Meiste Prüfungen</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>Nach Name</translation>
    </message>
    <message>
        <source>How many domains the bar chart shows</source>
        <translation>Wie viele Domains das Balkendiagramm zeigt</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Re-read the store (F5)</source>
        <translation>Datenbestand neu einlesen (F5)</translation>
    </message>
    <message>
        <source>Window:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>Domains:</source>
        <translation>Domains:</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>Top</translation>
    </message>
    <message>
        <source>Success rate by domain</source>
        <translation>Erfolgsquote nach Domain</translation>
    </message>
    <message>
        <source>Success rate over time</source>
        <translation>Erfolgsquote im Zeitverlauf</translation>
    </message>
    <message>
        <source>Failures by status</source>
        <translation>Fehlschläge nach Status</translation>
    </message>
    <message>
        <source>Consistent problems</source>
        <translation>Anhaltende Probleme</translation>
    </message>
    <message>
        <source>Domains</source>
        <translation>Domains</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <source>Updating…</source>
        <translation>Wird aktualisiert…</translation>
    </message>
    <message>
        <source>Cannot read the statistics: %1</source>
        <translation>Die Statistik kann nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n domain(s), updated in %1 ms</source>
        <translation>
            <numerusform>%n Domain, aktualisiert in %1 ms</numerusform>
            <numerusform>%n Domains, aktualisiert in %1 ms</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry recovery: %1% (%2 of %3 retried entries recovered)</source>
        <translation>Erholung durch Wiederholung: %1 % (%2 von %3 wiederholten Einträgen erholt)</translation>
    </message>
    <message>
        <source>Retry recovery: no retries in this window</source>
        <translation>Erholung durch Wiederholung: keine Wiederholungen in diesem Zeitraum</translation>
    </message>
    <message>
        <source>Successful (%)</source>
        <translation>Erfolgreich (%)</translation>
    </message>
    <message>
        <source>Failed (%)</source>
        <translation>Fehlgeschlagen (%)</translation>
    </message>
    <message>
        <source>%1: %2% of %3 probes succeeded</source>
        <translation>%1: %2 % von %3 Prüfungen erfolgreich</translation>
    </message>
    <message>
        <source>Most failures: %1</source>
        <translation>Meiste Fehlschläge: %1</translation>
    </message>
    <message>
        <source>other (%1)</source>
        <translation>Sonstige (%1)</translation>
    </message>
    <message>
        <source>%1 failed probes, %2%</source>
        <translation>%1 fehlgeschlagene Prüfungen, %2 %</translation>
    </message>
    <message>
        <source>Failures by status: none</source>
        <translation>Fehlschläge nach Status: keine</translation>
    </message>
    <message>
        <source>%1, %2: %3% successful</source>
        <translation>%1, %2: %3 % erfolgreich</translation>
    </message>
    <message>
        <source>All domains</source>
        <translation>Alle Domains</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::DomainStatsModel</name>
    <message>
        <source>domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Probes</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>Failures</source>
        <translation>Fehlschläge</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>Erfolg</translation>
    </message>
    <message>
        <source>Dominant status</source>
        <translation>Häufigster Status</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>Markiert</translation>
    </message>
    <message>
        <source>Retried</source>
        <translation>Wiederholt</translation>
    </message>
    <message>
        <source>Recovered</source>
        <translation>Erholt</translation>
    </message>
    <message>
        <source>Recovery</source>
        <translation>Erholung</translation>
    </message>
    <message>
        <source>Connect p50 (ms)</source>
        <translation>Verbindung p50 (ms)</translation>
    </message>
    <message>
        <source>Connect p95 (ms)</source>
        <translation>Verbindung p95 (ms)</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::ExportDialog</name>
    <message>
        <source>For spreadsheets (Excel): byte order mark, local separator and decimal point</source>
        <translation>Für Tabellenkalkulationen (Excel): Byte-Order-Mark, lokales Trennzeichen und Dezimalzeichen</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <source>Probes</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>Bounces</source>
        <translation>Bounces</translation>
    </message>
    <message>
        <source>Domain statistics</source>
        <translation>Domain-Statistik</translation>
    </message>
    <message>
        <source>Provider statistics</source>
        <translation>Anbieter-Statistik</translation>
    </message>
    <message>
        <source>Retry queue</source>
        <translation>Wiederholungswarteschlange</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>A window, or a start such as 2026-11-01, 2026-11-01T08:00:00Z, 90m, 2w</source>
        <translation>Ein Zeitraum oder ein Beginn wie 2026-11-01, 2026-11-01T08:00:00Z, 90m, 2w</translation>
    </message>
    <message>
        <source>All domains</source>
        <translation>Alle Domains</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Report:</source>
        <translation>Bericht:</translation>
    </message>
    <message>
        <source>Since:</source>
        <translation>Seit:</translation>
    </message>
    <message>
        <source>Domain:</source>
        <translation>Domain:</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Wird exportiert…</translation>
    </message>
    <message>
        <source>The export failed: %1</source>
        <translation>Der Export ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::HistoryView</name>
    <message>
        <source>Filter: domain, status, reason, phase…</source>
        <translation>Filter: Domain, Status, Ursache, Phase…</translation>
    </message>
    <message>
        <source>Hosts tried: %1
</source>
        <translation>Versuchte Hosts: %1
</translation>
    </message>
    <message>
        <source>TLS: %1 %2, %3; subject %4; issuer %5; SAN %6; expires %7
</source>
        <translation>TLS: %1 %2, %3; Inhaber %4; Aussteller %5; SAN %6; läuft ab %7
</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>geprüft</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>nicht geprüft</translation>
    </message>
    <message>
        <source>  certificate problem: %1
</source>
        <translation>  Zertifikatsproblem: %1
</translation>
    </message>
    <message>
        <source>%1  %2 %3 %4  phase %5
%6
</source>
        <translation>%1  %2 %3 %4  Phase %5
%6
</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::ImportView</name>
    <message>
        <source>Import &amp;files…</source>
        <translation>&amp;Dateien importieren…</translation>
    </message>
    <message>
        <source>Import &amp;Maildir folder…</source>
        <translation>&amp;Maildir-Ordner importieren…</translation>
    </message>
    <message>
        <source>Import bounces and logs</source>
        <translation>Bounces und Logs importieren</translation>
    </message>
    <message>
        <source>Mails and logs (*.eml *.msg *.mbox *.log *.gz *.txt);;All files (*)</source>
        <translation>Mails und Logs (*.eml *.msg *.mbox *.log *.gz *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import a Maildir folder</source>
        <translation>Maildir-Ordner importieren</translation>
    </message>
    <message>
        <source>Recognize the format</source>
        <translation>Format erkennen</translation>
    </message>
    <message>
        <source>Drop bounce mails, mbox files, Maildir folders or Postfix and Exim logs here.</source>
        <translation>Bounce-Mails, mbox-Dateien, Maildir-Ordner oder Postfix- und Exim-Logs hier ablegen.</translation>
    </message>
    <message>
        <source>Problems of the last import appear here.</source>
        <translation>Probleme beim letzten Import erscheinen hier.</translation>
    </message>
    <message>
        <source>An import is running; add more when it has finished.</source>
        <translation>Ein Import läuft; weitere Dateien bitte nach dessen Abschluss hinzufügen.</translation>
    </message>
    <message numerus="yes">
        <source>Importing %n path(s)…</source>
        <translation>
            <numerusform>%n Pfad wird importiert…</numerusform>
            <numerusform>%n Pfade werden importiert…</numerusform>
        </translation>
    </message>
    <message>
        <source>Imported %1 (%2 of %3)…</source>
        <translation>%1 importiert (%2 von %3)…</translation>
    </message>
    <message>
        <source>Nothing imported: cannot open the store: %1</source>
        <translation>Nichts importiert: Der Datenbestand kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>New bounce events: %1, already known: %2, successful deliveries: %3; from %4 files (%5 mails, %6 log lines) in %7 s.</source>
        <translation>Neue Bounce-Ereignisse: %1, bereits bekannt: %2, erfolgreiche Zustellungen: %3; aus %4 Dateien (%5 Mails, %6 Logzeilen) in %7 s.</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>Nicht gefunden: %1</translation>
    </message>
    <message>
        <source>Error: %1: %2</source>
        <translation>Fehler: %1: %2</translation>
    </message>
    <message>
        <source>Note: %1: %2</source>
        <translation>Hinweis: %1: %2</translation>
    </message>
    <message>
        <source>The store refused some files; they were not imported and can be imported again.</source>
        <translation>Der Datenbestand hat einige Dateien abgelehnt; sie wurden nicht importiert und können erneut importiert werden.</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::LabView</name>
    <message>
        <source>&amp;Start the lab</source>
        <translation>Labor &amp;starten</translation>
    </message>
    <message>
        <source>&amp;Probe selected scenario</source>
        <translation>Ausgewähltes Szenario &amp;prüfen</translation>
    </message>
    <message>
        <source>The lab runs SMTP servers on 127.0.0.1 that play named failure scenarios. Start it, then probe a scenario (double-click) to see how Mailpulse classifies it.</source>
        <translation>Das Labor betreibt SMTP-Server auf 127.0.0.1, die benannte Fehlerszenarien durchspielen. Starten Sie es und prüfen Sie dann ein Szenario (Doppelklick), um zu sehen, wie Mailpulse es einordnet.</translation>
    </message>
    <message>
        <source>Scenario</source>
        <translation>Szenario</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>What the server does</source>
        <translation>Was der Server tut</translation>
    </message>
    <message>
        <source>Expected result</source>
        <translation>Erwartetes Ergebnis</translation>
    </message>
    <message>
        <source>&lt;b&gt;The lab could not start:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Das Labor konnte nicht starten:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>The lab is running on 127.0.0.1. Its CA certificate: %1</source>
        <translation>Das Labor läuft auf 127.0.0.1. Sein CA-Zertifikat: %1</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::MainWindow</name>
    <message>
        <source>Mailpulse</source>
        <translation>Mailpulse</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Probe</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Retry queue</source>
        <translation>Wiederholungswarteschlange</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Kontakte</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>Labor</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Configure Mailpulse…</source>
        <translation>Mailpulse &amp;konfigurieren…</translation>
    </message>
    <message>
        <source>cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::ProbeResultModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>MX host</source>
        <translation>MX-Host</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Total ms</source>
        <translation>Gesamt (ms)</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::ProbeView</name>
    <message>
        <source>user@example.org or example.org, one per line</source>
        <translation>user@example.org oder example.org, eine pro Zeile</translation>
    </message>
    <message>
        <source>HOST[:PORT] — skip DNS</source>
        <translation>HOST[:PORT] — ohne DNS</translation>
    </message>
    <message>
        <source>extra CA certificates (PEM file)</source>
        <translation>zusätzliche CA-Zertifikate (PEM-Datei)</translation>
    </message>
    <message>
        <source>Verify certificates</source>
        <translation>Zertifikate prüfen</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Targets</source>
        <translation>Ziele</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>connect</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>greeting</source>
        <translation>Begrüßung</translation>
    </message>
    <message>
        <source>command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Timeouts</source>
        <translation>Zeitlimits</translation>
    </message>
    <message>
        <source>MX override</source>
        <translation>MX vorgeben</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA-Datei</translation>
    </message>
    <message>
        <source>&apos;%1&apos;: %2</source>
        <translation>„%1“: %2</translation>
    </message>
    <message>
        <source>Enter at least one target.</source>
        <translation>Bitte mindestens ein Ziel eingeben.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot run:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Start nicht möglich:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>geprüft</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>nicht geprüft</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: &lt;b&gt;%2&lt;/b&gt; %3 %4 — phase %5, %6 ms&lt;br&gt;%7</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: &lt;b&gt;%2&lt;/b&gt; %3 %4 — Phase %5, %6 ms&lt;br&gt;%7</translation>
    </message>
    <message>
        <source>Could not store the result: %1</source>
        <translation>Das Ergebnis konnte nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::QueueView</name>
    <message>
        <source>Retry &amp;now</source>
        <translation>Jetzt &amp;wiederholen</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Cancel entry</source>
        <translation>Eintrag a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Open entries</source>
        <translation>Offene Einträge</translation>
    </message>
    <message>
        <source>All entries</source>
        <translation>Alle Einträge</translation>
    </message>
    <message>
        <source>Filter: target, state, status, reason…</source>
        <translation>Filter: Ziel, Zustand, Status, Ursache…</translation>
    </message>
    <message>
        <source>Cannot read the retry queue: %1</source>
        <translation>Die Wiederholungswarteschlange kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Retrying %1 now.</source>
        <translation>%1 wird jetzt wiederholt.</translation>
    </message>
    <message>
        <source>Paused %1.</source>
        <translation>%1 angehalten.</translation>
    </message>
    <message>
        <source>Resumed %1.</source>
        <translation>%1 fortgesetzt.</translation>
    </message>
    <message>
        <source>Cancelled %1.</source>
        <translation>%1 abgebrochen.</translation>
    </message>
    <message>
        <source>Select an entry first.</source>
        <translation>Bitte zuerst einen Eintrag auswählen.</translation>
    </message>
    <message>
        <source>%1 is no longer in the queue.</source>
        <translation>%1 ist nicht mehr in der Warteschlange.</translation>
    </message>
    <message>
        <source>Not possible while %1 is %2.</source>
        <translation>Nicht möglich, solange %1 %2 ist.</translation>
    </message>
    <message>
        <source>Cannot change %1: %2</source>
        <translation>%1 kann nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>Retried %1 (%2): %3 %4</source>
        <translation>%1 wiederholt (%2): %3 %4</translation>
    </message>
    <message>
        <source>Retry of %1 not recorded: %2</source>
        <translation>Wiederholung von %1 nicht gespeichert: %2</translation>
    </message>
    <message>
        <source>%1  %2  first %3 (%4) from %5, %6 attempts, expires %7
</source>
        <translation>%1  %2  erstmals %3 (%4) aus %5, %6 Versuche, läuft ab %7
</translation>
    </message>
    <message>
        <source>Next attempt %1 with %2
</source>
        <translation>Nächster Versuch %1 mit %2
</translation>
    </message>
    <message>
        <source>Closed %1 by %2
</source>
        <translation>Geschlossen %1 durch %2
</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::RetryQueueModel</name>
    <message>
        <source>pending</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>jetzt fällig</translation>
    </message>
    <message>
        <source>in %1:%2</source>
        <translation>in %1:%2</translation>
    </message>
    <message>
        <source>in %1 h %2 min</source>
        <translation>in %1 h %2 min</translation>
    </message>
    <message>
        <source>in %1 d %2 h</source>
        <translation>in %1 d %2 h</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Last status</source>
        <translation>Letzter Status</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Ursache</translation>
    </message>
    <message>
        <source>Next attempt</source>
        <translation>Nächster Versuch</translation>
    </message>
    <message>
        <source>Next settings</source>
        <translation>Nächste Einstellungen</translation>
    </message>
    <message>
        <source>First failure</source>
        <translation>Erster Fehlschlag</translation>
    </message>
    <message>
        <source>any IP version</source>
        <translation>beliebige IP-Version</translation>
    </message>
    <message>
        <source>port %1, %2, %3</source>
        <translation>Port %1, %2, %3</translation>
    </message>
    <message>
        <source>, MX host %1 onwards</source>
        <translation>, ab MX-Host %1</translation>
    </message>
</context>
<context>
    <name>Mailpulse::Ui::SettingsDialog</name>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>List a recipient at its first hard bounce</source>
        <translation>Empfänger beim ersten Hard Bounce listen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>STARTTLS when offered</source>
        <translation>STARTTLS, wenn angeboten</translation>
    </message>
    <message>
        <source>STARTTLS required</source>
        <translation>STARTTLS erforderlich</translation>
    </message>
    <message>
        <source>Implicit TLS</source>
        <translation>Implizites TLS</translation>
    </message>
    <message>
        <source>This machine&apos;s host name</source>
        <translation>Hostname dieses Rechners</translation>
    </message>
    <message>
        <source>postmaster@&lt;HELO name&gt;</source>
        <translation>postmaster@&lt;HELO-Name&gt;</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>Probe defaults</source>
        <translation>Standardwerte für Prüfungen</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>TLS:</source>
        <translation>TLS:</translation>
    </message>
    <message>
        <source>Connect timeout:</source>
        <translation>Zeitlimit Verbindungsaufbau:</translation>
    </message>
    <message>
        <source>Greeting timeout:</source>
        <translation>Zeitlimit Begrüßung:</translation>
    </message>
    <message>
        <source>Command timeout:</source>
        <translation>Zeitlimit Befehl:</translation>
    </message>
    <message>
        <source>TLS handshake timeout:</source>
        <translation>Zeitlimit TLS-Handshake:</translation>
    </message>
    <message>
        <source>Whole probe timeout:</source>
        <translation>Zeitlimit gesamte Prüfung:</translation>
    </message>
    <message>
        <source>HELO name:</source>
        <translation>HELO-Name:</translation>
    </message>
    <message>
        <source>MAIL FROM:</source>
        <translation>MAIL FROM:</translation>
    </message>
    <message>
        <source>Retry schedule</source>
        <translation>Wiederholungsplan</translation>
    </message>
    <message>
        <source>First retry after:</source>
        <translation>Erste Wiederholung nach:</translation>
    </message>
    <message>
        <source>Longest interval:</source>
        <translation>Längster Abstand:</translation>
    </message>
    <message>
        <source>Give up after:</source>
        <translation>Aufgeben nach:</translation>
    </message>
    <message>
        <source>Contact rules</source>
        <translation>Kontaktregeln</translation>
    </message>
    <message>
        <source>Consecutive failures:</source>
        <translation>Fehlschläge in Folge:</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>Parallelität</translation>
    </message>
    <message>
        <source>Probes at once:</source>
        <translation>Gleichzeitige Prüfungen:</translation>
    </message>
    <message>
        <source>Probes per domain:</source>
        <translation>Prüfungen pro Domain:</translation>
    </message>
    <message>
        <source>Retry and contact rules apply from the next start.</source>
        <translation>Wiederholungs- und Kontaktregeln gelten ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Interface language:</source>
        <translation>Sprache der Oberfläche:</translation>
    </message>
    <message>
        <source>The language changes at the next start of Mailpulse.</source>
        <translation>Die Sprache wechselt beim nächsten Start von Mailpulse.</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Cannot open the store %1:
%2</source>
        <translation>Der Datenbestand %1 kann nicht geöffnet werden:
%2</translation>
    </message>
    <message>
        <source>Mailpulse: SMTP deliverability monitor</source>
        <translation>Mailpulse: Überwachung der SMTP-Zustellbarkeit</translation>
    </message>
    <message>
        <source>SQLite store path.</source>
        <translation>Pfad des SQLite-Datenbestands.</translation>
    </message>
    <message>
        <source>Render each main view with the current store to DIR/&lt;view&gt;.png and exit.</source>
        <translation>Jede Hauptansicht mit dem aktuellen Datenbestand als DIR/&lt;view&gt;.png speichern und beenden.</translation>
    </message>
</context>
</TS>
