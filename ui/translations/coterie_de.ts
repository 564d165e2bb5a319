<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>AttachmentChip</name>
    <message>
        <source>Remove {safe_name}</source>
        <translation>{safe_name} entfernen</translation>
    </message>
    <message>
        <source>Remove this file</source>
        <translation>Diese Datei entfernen</translation>
    </message>
</context>
<context>
    <name>AttachmentTray</name>
    <message>
        <source>Upload progress</source>
        <translation>Fortschritt des Hochladens</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the upload</source>
        <translation>Das Hochladen abbrechen</translation>
    </message>
    <message>
        <source>A post carries at most {count} files.</source>
        <translation>Ein Beitrag trägt höchstens {count} Dateien.</translation>
    </message>
    <message>
        <source>The file {name} cannot be read.</source>
        <translation>Die Datei {name} lässt sich nicht lesen.</translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <source>XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX</source>
        <translation>XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Wiederherstellungscode</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Einen Ordner wählen</translation>
    </message>
    <message>
        <source>Save the backup as</source>
        <translation>Die Sicherung speichern unter</translation>
    </message>
    <message>
        <source>Coterie backups ({pattern})</source>
        <translation>Coterie-Sicherungen ({pattern})</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>Eine Sicherung wählen</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Back up</source>
        <translation>Sichern</translation>
    </message>
    <message>
        <source>A backup is one file with all your groups, their history, files and settings. It opens only with your recovery code, on any computer.</source>
        <translation>Eine Sicherung ist eine Datei mit all deinen Gruppen, ihrem Verlauf, Dateien und Einstellungen. Sie öffnet sich nur mit deinem Wiederherstellungscode, auf jedem Computer.</translation>
    </message>
    <message>
        <source>Backup file</source>
        <translation>Sicherungsdatei</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>Speichern unter</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Wiederherstellungscode</translation>
    </message>
    <message>
        <source>Coterie asks for the recovery code once; after that it makes backups, automatic ones too, without it.</source>
        <translation>Coterie fragt einmal nach dem Wiederherstellungscode; danach erstellt es Sicherungen, auch automatische, ohne ihn.</translation>
    </message>
    <message>
        <source>Backup progress</source>
        <translation>Fortschritt der Sicherung</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>Jetzt sichern</translation>
    </message>
    <message>
        <source>Automatic backups</source>
        <translation>Automatische Sicherungen</translation>
    </message>
    <message>
        <source>Back up automatically while Coterie runs</source>
        <translation>Automatisch sichern, solange Coterie läuft</translation>
    </message>
    <message>
        <source>Back up automatically</source>
        <translation>Automatisch sichern</translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation>Sicherungsordner</translation>
    </message>
    <message>
        <source>Into the folder</source>
        <translation>In den Ordner</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> Stunden</translation>
    </message>
    <message>
        <source>Hours between backups</source>
        <translation>Stunden zwischen Sicherungen</translation>
    </message>
    <message>
        <source>Every</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Backups to keep</source>
        <translation>Aufzubewahrende Sicherungen</translation>
    </message>
    <message>
        <source>Keep the newest</source>
        <translation>Die neuesten behalten</translation>
    </message>
    <message>
        <source>Save schedule</source>
        <translation>Zeitplan speichern</translation>
    </message>
    <message>
        <source>Save the automatic backup schedule</source>
        <translation>Den Zeitplan der automatischen Sicherung speichern</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>On: every {hours} h into {folder}, keeping {keep}.</source>
        <translation>An: alle {hours} h in {folder}, {keep} werden behalten.</translation>
    </message>
    <message>
        <source>Off.</source>
        <translation>Aus.</translation>
    </message>
    <message>
        <source>Last automatic backup: {when}.</source>
        <translation>Letzte automatische Sicherung: {when}.</translation>
    </message>
    <message>
        <source>The last attempt failed: {error}</source>
        <translation>Der letzte Versuch ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Sichere…</translation>
    </message>
    <message>
        <source>{value} MB written</source>
        <translation>{value} MB geschrieben</translation>
    </message>
    <message>
        <source>Backup saved: {path} ({size}). Keep it apart from your recovery code.</source>
        <translation>Sicherung gespeichert: {path} ({size}). Bewahre sie getrennt von deinem Wiederherstellungscode auf.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Speichere…</translation>
    </message>
</context>
<context>
    <name>Base</name>
    <message>
        <source>Copied ✓</source>
        <translation>Kopiert ✓</translation>
    </message>
    <message>
        <source>Copied to the clipboard</source>
        <translation>In die Zwischenablage kopiert</translation>
    </message>
</context>
<context>
    <name>CameraScanDialog</name>
    <message>
        <source>Scan the code with the camera</source>
        <translation>Code mit der Kamera scannen</translation>
    </message>
    <message>
        <source>Hold the QR code your other desktop shows in front of this camera, near enough to fill most of the picture.</source>
        <translation>Halte den QR-Code, den dein anderer Desktop zeigt, vor diese Kamera, so nah, dass er den größten Teil des Bildes füllt.</translation>
    </message>
    <message>
        <source>Camera picture</source>
        <translation>Kamerabild</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>The camera could not be started. Close this window and read the code from a picture instead.</source>
        <translation>Die Kamera ließ sich nicht starten. Schließe dieses Fenster und lies den Code stattdessen aus einem Bild.</translation>
    </message>
</context>
<context>
    <name>ChannelList</name>
    <message>
        <source>Mark as read</source>
        <translation>Als gelesen markieren</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Stummschaltung aufheben</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Stummschalten</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <source>Edit topic…</source>
        <translation>Thema bearbeiten…</translation>
    </message>
    <message>
        <source>Edit tags…</source>
        <translation>Schlagwörter bearbeiten…</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archivieren</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Write a post — Enter sends, Shift+Enter for a new line</source>
        <translation>Schreiben – Eingabe sendet, Umschalt+Eingabe: neue Zeile</translation>
    </message>
    <message>
        <source>Cancel reply or edit</source>
        <translation>Antwort oder Bearbeitung abbrechen</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Abbrechen (Esc)</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter adds a line, Up edits your last post, Escape cancels</source>
        <translation>Eingabe sendet, Umschalt+Eingabe fügt eine Zeile hinzu, Pfeil hoch bearbeitet deinen letzten Beitrag, Escape bricht ab</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>Anhängen…</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Dateien anhängen</translation>
    </message>
    <message>
        <source>Attach files (or drop them here, or paste an image)</source>
        <translation>Dateien anhängen (oder hier ablegen, oder ein Bild einfügen)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send post</source>
        <translation>Beitrag senden</translation>
    </message>
    <message>
        <source>Characters left</source>
        <translation>Verbleibende Zeichen</translation>
    </message>
    <message numerus="yes">
        <source>%Ln too many</source>
        <translation>
            <numerusform>%Ln zu viel</numerusform>
            <numerusform>%Ln zu viel</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %Ln characters to send this post.</source>
        <translation>
            <numerusform>Entferne %Ln Zeichen, um diesen Beitrag zu senden.</numerusform>
            <numerusform>Entferne %Ln Zeichen, um diesen Beitrag zu senden.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln left</source>
        <translation>
            <numerusform>%Ln übrig</numerusform>
            <numerusform>%Ln übrig</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln more characters fit in this post.</source>
        <translation>
            <numerusform>%Ln weiteres Zeichen passt in diesen Beitrag.</numerusform>
            <numerusform>%Ln weitere Zeichen passen in diesen Beitrag.</numerusform>
        </translation>
    </message>
    <message>
        <source>Replying to {sender_name}: {excerpt}</source>
        <translation>Antwort an {sender_name}: {excerpt}</translation>
    </message>
    <message>
        <source>Editing your post — Enter saves, Escape cancels</source>
        <translation>Du bearbeitest deinen Beitrag – Eingabe speichert, Escape bricht ab</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save the edited post</source>
        <translation>Den bearbeiteten Beitrag speichern</translation>
    </message>
</context>
<context>
    <name>ComposerActions</name>
    <message numerus="yes">
        <source>Slow mode: your text is kept; you can send it again in %n second(s).</source>
        <translation>
            <numerusform>Langsamer Modus: Dein Text bleibt erhalten; du kannst ihn in %n Sekunde erneut senden.</numerusform>
            <numerusform>Langsamer Modus: Dein Text bleibt erhalten; du kannst ihn in %n Sekunden erneut senden.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectionIndicator</name>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Synchronisiere…</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>1 post waiting</source>
        <translation>1 Beitrag wartet</translation>
    </message>
    <message>
        <source>○ Connecting…</source>
        <translation>○ Verbinde…</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>Verbindungsstatus</translation>
    </message>
</context>
<context>
    <name>ConnectionWords</name>
    <message numerus="yes">
        <source>%Ln posts waiting</source>
        <translation>
            <numerusform>%Ln Beitrag wartet</numerusform>
            <numerusform>%Ln Beiträge warten</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConversationHeader</name>
    <message numerus="yes">
        <source>%Ln members</source>
        <translation>
            <numerusform>%Ln Mitglied</numerusform>
            <numerusform>%Ln Mitglieder</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message>
        <source>Join requests</source>
        <translation>Beitrittsanfragen</translation>
    </message>
    <message>
        <source>Invite…</source>
        <translation>Einladen…</translation>
    </message>
    <message>
        <source>Invite people</source>
        <translation>Leute einladen</translation>
    </message>
    <message>
        <source>Create an invite link or QR code</source>
        <translation>Einen Einladungslink oder QR-Code erstellen</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Members and safety numbers</source>
        <translation>Mitglieder und Sicherheitsnummern</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Files, links and the library</source>
        <translation>Dateien, Links und die Bibliothek</translation>
    </message>
    <message>
        <source>Everything shared in this group</source>
        <translation>Alles, was in dieser Gruppe geteilt wurde</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Stummschalten</translation>
    </message>
    <message>
        <source>Mute notifications for this group</source>
        <translation>Benachrichtigungen für diese Gruppe stummschalten</translation>
    </message>
    <message>
        <source>More group actions</source>
        <translation>Weitere Gruppenaktionen</translation>
    </message>
    <message>
        <source>Search in this group	Ctrl+F</source>
        <translation>In dieser Gruppe suchen	Ctrl+F</translation>
    </message>
    <message>
        <source>Compare safety numbers…</source>
        <translation>Sicherheitsnummern vergleichen…</translation>
    </message>
    <message>
        <source>Member directory…</source>
        <translation>Mitgliederverzeichnis …</translation>
    </message>
    <message>
        <source>Edit my profile in this group…</source>
        <translation>Mein Profil in dieser Gruppe bearbeiten …</translation>
    </message>
    <message>
        <source>Rename group…</source>
        <translation>Gruppe umbenennen…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Moderation log…</source>
        <translation>Moderationsprotokoll …</translation>
    </message>
    <message>
        <source>Slow mode and lock of this channel…</source>
        <translation>Langsamer Modus und Sperre dieses Kanals…</translation>
    </message>
    <message>
        <source>Reports and approvals…</source>
        <translation>Meldungen und Freigaben…</translation>
    </message>
    <message>
        <source>Group rules…</source>
        <translation>Gruppenregeln…</translation>
    </message>
    <message>
        <source>Leave group…</source>
        <translation>Gruppe verlassen…</translation>
    </message>
    <message>
        <source>1 member</source>
        <translation>1 Mitglied</translation>
    </message>
    <message>
        <source>{members} · you are an admin</source>
        <translation>{members} · du bist Admin</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archiviert</translation>
    </message>
    <message>
        <source>Tags: {tags}</source>
        <translation>Schlagwörter: {tags}</translation>
    </message>
    <message>
        <source>You are an observer here: you read and react, but cannot post.</source>
        <translation>Du bist hier Beobachter: Du liest und reagierst, kannst aber nicht posten.</translation>
    </message>
    <message>
        <source>This channel is archived; it stays readable.</source>
        <translation>Dieser Kanal ist archiviert; er bleibt lesbar.</translation>
    </message>
    <message>
        <source>Only admins and moderators post here; reply in a post&apos;s thread (T).</source>
        <translation>Hier schreiben nur Admins und Moderatoren; antworte im Thread eines Beitrags (T).</translation>
    </message>
    <message>
        <source>The channel&apos;s pins are full</source>
        <translation>Die Pinnwand des Kanals ist voll</translation>
    </message>
    <message>
        <source>This channel already has {count} pinned posts. Unpin one of them first, then pin this post.</source>
        <translation>Dieser Kanal hat schon {count} angeheftete Beiträge. Löse zuerst einen davon, dann hefte diesen Beitrag an.</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>Stumm</translation>
    </message>
    <message>
        <source>You were removed from this group. You can still read what was posted before, but you cannot post or see anything new.</source>
        <translation>Du wurdest aus dieser Gruppe entfernt. Was vorher gepostet wurde, kannst du weiter lesen, aber du kannst nichts mehr posten und siehst nichts Neues.</translation>
    </message>
    <message>
        <source>You can no longer post in this group.</source>
        <translation>Du kannst in dieser Gruppe nicht mehr posten.</translation>
    </message>
    <message>
        <source>Title of a new topic</source>
        <translation>Titel eines neuen Themas</translation>
    </message>
    <message>
        <source>Topic title</source>
        <translation>Thementitel</translation>
    </message>
    <message>
        <source>Tags of the new topic</source>
        <translation>Schlagwörter des neuen Themas</translation>
    </message>
    <message>
        <source>Requests ({count})</source>
        <translation>Anfragen ({count})</translation>
    </message>
    <message>
        <source>{count} join requests waiting</source>
        <translation>{count} Beitrittsanfragen warten</translation>
    </message>
    <message>
        <source>{reason}: the files wait in the outbox and go when the relay can be reached.</source>
        <translation>{reason}: die Dateien warten im Ausgang und gehen hinaus, sobald das Relay erreichbar ist.</translation>
    </message>
    <message>
        <source>Download cancelled.</source>
        <translation>Download abgebrochen.</translation>
    </message>
    <message>
        <source>File actions</source>
        <translation>Dateiaktionen</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Ansehen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Speichern unter…</translation>
    </message>
    <message>
        <source>Save into folder</source>
        <translation>In Ordner speichern</translation>
    </message>
    <message>
        <source>Slow mode: your text is kept; you can send it again at {time}.</source>
        <translation>Langsamer Modus: Dein Text bleibt erhalten; du kannst ihn um {time} erneut senden.</translation>
    </message>
    <message>
        <source>your post</source>
        <translation>deinen Beitrag</translation>
    </message>
    <message>
        <source>this post by {name}</source>
        <translation>diesen Beitrag von {name}</translation>
    </message>
    <message>
        <source>Delete post</source>
        <translation>Beitrag löschen</translation>
    </message>
    <message>
        <source>Delete {whose} for everyone in the group? A note that it was deleted stays in its place.</source>
        <translation>{whose} für alle in der Gruppe löschen? An seiner Stelle bleibt ein Hinweis, dass er gelöscht wurde.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Open link</source>
        <translation>Link öffnen</translation>
    </message>
    <message>
        <source>Open this link in your browser?

{url}</source>
        <translation>Diesen Link im Browser öffnen?

{url}</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Posts</source>
        <translation>Beiträge</translation>
    </message>
    <message>
        <source>↓ Latest</source>
        <translation>↓ Neueste</translation>
    </message>
    <message>
        <source>Jump to the latest posts</source>
        <translation>Zu den neuesten Beiträgen springen</translation>
    </message>
    <message>
        <source>Jump to the latest posts (Ctrl+End)</source>
        <translation>Zu den neuesten Beiträgen springen (Ctrl+Ende)</translation>
    </message>
    <message>
        <source>No posts yet. Say hello — everyone in the group will see it.</source>
        <translation>Noch keine Beiträge. Sag Hallo – alle in der Gruppe sehen es.</translation>
    </message>
    <message>
        <source>Post actions</source>
        <translation>Beitragsaktionen</translation>
    </message>
    <message>
        <source>Reply	R</source>
        <translation>Antworten	R</translation>
    </message>
    <message>
        <source>Reply in thread	T</source>
        <translation>Im Thread antworten	T</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Nicht mehr anheften</translation>
    </message>
    <message>
        <source>Pin to the channel</source>
        <translation>Im Kanal anheften</translation>
    </message>
    <message>
        <source>React</source>
        <translation>Reagieren</translation>
    </message>
    <message>
        <source>Edit	E</source>
        <translation>Bearbeiten	E</translation>
    </message>
    <message>
        <source>Delete…	Del</source>
        <translation>Löschen…	Entf</translation>
    </message>
    <message>
        <source>Save to library…</source>
        <translation>In die Bibliothek…</translation>
    </message>
    <message>
        <source>Report to moderators…</source>
        <translation>Der Moderation melden…</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
</context>
<context>
    <name>CreateChannelDialog</name>
    <message>
        <source>Chat — a stream of posts</source>
        <translation>Chat — ein Strom von Beiträgen</translation>
    </message>
    <message>
        <source>Forum — every post is a titled topic with its own thread</source>
        <translation>Forum — jeder Beitrag ist ein Thema mit Titel und eigenem Thread</translation>
    </message>
    <message>
        <source>Announcements — only admins post; members reply in threads</source>
        <translation>Ankündigungen — nur Admins schreiben; Mitglieder antworten in Threads</translation>
    </message>
    <message>
        <source>New channel</source>
        <translation>Neuer Kanal</translation>
    </message>
    <message>
        <source>A channel in {name}. Every member sees it; only admins can change it.</source>
        <translation>Ein Kanal in {name}. Alle Mitglieder sehen ihn; nur Admins können ihn ändern.</translation>
    </message>
    <message>
        <source>e.g. Reading list</source>
        <translation>z. B. Leseliste</translation>
    </message>
    <message>
        <source>Channel name</source>
        <translation>Kanalname</translation>
    </message>
    <message>
        <source>Kind of channel</source>
        <translation>Art des Kanals</translation>
    </message>
    <message>
        <source>What the channel is for (optional)</source>
        <translation>Wofür der Kanal da ist (optional)</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>fiction, poetry, essays</source>
        <translation>Romane, Lyrik, Essays</translation>
    </message>
    <message>
        <source>Tags for topics, separated by commas</source>
        <translation>Schlagwörter für Themen, durch Kommas getrennt</translation>
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
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message>
        <source>Create channel</source>
        <translation>Kanal erstellen</translation>
    </message>
    <message>
        <source>Creating the channel…</source>
        <translation>Der Kanal wird erstellt…</translation>
    </message>
</context>
<context>
    <name>CreateGroupDialog</name>
    <message>
        <source>New group</source>
        <translation>Neue Gruppe</translation>
    </message>
    <message>
        <source>Only people you invite can read a group. You become its first admin.</source>
        <translation>Nur Leute, die du einlädst, können eine Gruppe lesen. Du wirst ihr erster Admin.</translation>
    </message>
    <message>
        <source>e.g. Book club</source>
        <translation>z. B. Lesekreis</translation>
    </message>
    <message>
        <source>Group name</source>
        <translation>Gruppenname</translation>
    </message>
    <message>
        <source>https://relay.example.org</source>
        <translation>https://relay.example.org</translation>
    </message>
    <message>
        <source>Relay address</source>
        <translation>Relay-Adresse</translation>
    </message>
    <message>
        <source>The relay only ever stores encrypted posts; anyone can run one.</source>
        <translation>Das Relay speichert nur verschlüsselte Beiträge; jeder kann eines betreiben.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Relay</source>
        <translation>Relay</translation>
    </message>
    <message>
        <source>Create group</source>
        <translation>Gruppe erstellen</translation>
    </message>
    <message>
        <source>Creating the group on the relay…</source>
        <translation>Die Gruppe wird auf dem Relay angelegt…</translation>
    </message>
</context>
<context>
    <name>DesktopOffer</name>
    <message>
        <source>Add Coterie to your applications?</source>
        <translation>Coterie zu deinen Anwendungen hinzufügen?</translation>
    </message>
    <message>
        <source>Add Coterie to your desktop&apos;s applications menu? Invite links (coterie://…) will then open in Coterie.</source>
        <translation>Coterie zum Anwendungsmenü deines Desktops hinzufügen? Einladungslinks (coterie://…) öffnen sich dann in Coterie.</translation>
    </message>
    <message>
        <source>Add to applications</source>
        <translation>Zu Anwendungen hinzufügen</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Nicht jetzt</translation>
    </message>
    <message>
        <source>You can change this later with coterie --install-desktop-entry or --uninstall-desktop-entry.</source>
        <translation>Du kannst das später mit coterie --install-desktop-entry oder --uninstall-desktop-entry ändern.</translation>
    </message>
    <message>
        <source>Coterie</source>
        <translation>Coterie</translation>
    </message>
    <message>
        <source>Coterie could not add itself to the applications menu ({0}).</source>
        <translation>Coterie konnte sich nicht zum Anwendungsmenü hinzufügen ({0}).</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <source>Linked desktops</source>
        <translation>Verknüpfte Desktops</translation>
    </message>
    <message>
        <source>Use Coterie on up to five desktops as the same member. Each desktop has its own keys; the others in your groups still see one person with one safety number.</source>
        <translation>Nutze Coterie auf bis zu fünf Desktops als dasselbe Mitglied. Jeder Desktop hat eigene Schlüssel; die anderen in deinen Gruppen sehen weiterhin eine Person mit einer Sicherheitsnummer.</translation>
    </message>
    <message>
        <source>Your desktops</source>
        <translation>Deine Desktops</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Linked</source>
        <translation>Verknüpft</translation>
    </message>
    <message>
        <source>Last active</source>
        <translation>Zuletzt aktiv</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen…</translation>
    </message>
    <message>
        <source>Revoke the selected desktop</source>
        <translation>Den gewählten Desktop widerrufen</translation>
    </message>
    <message>
        <source>Send the history and files too</source>
        <translation>Auch den Verlauf und die Dateien senden</translation>
    </message>
    <message>
        <source>Without it the new desktop gets your groups and everything needed to take part, but none of the past posts and files.</source>
        <translation>Ohne das erhält der neue Desktop deine Gruppen und alles, was er zum Mitmachen braucht, aber keine früheren Beiträge und Dateien.</translation>
    </message>
    <message>
        <source>Link a desktop</source>
        <translation>Desktop verknüpfen</translation>
    </message>
    <message>
        <source>Link code as a QR code</source>
        <translation>Verknüpfungscode als QR-Code</translation>
    </message>
    <message>
        <source>On the new desktop, choose &quot;Link to a desktop I already use&quot; and type or paste this code. It works once, for 10 minutes; both desktops then show five words to compare.</source>
        <translation>Wähle auf dem neuen Desktop „Mit einem Desktop verknüpfen, den ich schon nutze“ und gib diesen Code ein oder füge ihn ein. Er gilt einmal, für 10 Minuten; danach zeigen beide Desktops fünf Wörter zum Vergleichen.</translation>
    </message>
    <message>
        <source>Link code</source>
        <translation>Verknüpfungscode</translation>
    </message>
    <message>
        <source>Short code</source>
        <translation>Kurzer Code</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Code kopieren</translation>
    </message>
    <message>
        <source>Confirmation words</source>
        <translation>Bestätigungswörter</translation>
    </message>
    <message>
        <source>They differ</source>
        <translation>Sie unterscheiden sich</translation>
    </message>
    <message>
        <source>The words match</source>
        <translation>Die Wörter stimmen überein</translation>
    </message>
    <message>
        <source>Transfer progress</source>
        <translation>Fortschritt der Übertragung</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>this desktop</source>
        <translation>dieser Desktop</translation>
    </message>
    <message>
        <source>holds your identity</source>
        <translation>hält deine Identität</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>widerrufen</translation>
    </message>
    <message>
        <source>Making a code…</source>
        <translation>Code wird erstellt…</translation>
    </message>
    <message>
        <source>or type this short code, with the relay {relay}</source>
        <translation>oder gib diesen Kurzcode ein, mit dem Relay {relay}</translation>
    </message>
    <message>
        <source>Waiting for the new desktop…</source>
        <translation>Warte auf den neuen Desktop…</translation>
    </message>
    <message>
        <source>Does &quot;{name}&quot; show exactly these words?</source>
        <translation>Zeigt „{name}“ genau diese Wörter?</translation>
    </message>
    <message>
        <source>Sending your groups and their history…</source>
        <translation>Deine Gruppen und ihr Verlauf werden gesendet…</translation>
    </message>
    <message>
        <source>Sending your groups…</source>
        <translation>Deine Gruppen werden gesendet…</translation>
    </message>
    <message>
        <source>{name} is linked: it has your {count} groups and their history.</source>
        <translation>{name} ist verknüpft: Es hat deine {count} Gruppen und ihren Verlauf.</translation>
    </message>
    <message>
        <source>{name} is linked: it has your {count} groups, without their past posts.</source>
        <translation>{name} ist verknüpft: Es hat deine {count} Gruppen, ohne ihre früheren Beiträge.</translation>
    </message>
</context>
<context>
    <name>EditChannelDialog</name>
    <message>
        <source>Rename channel</source>
        <translation>Kanal umbenennen</translation>
    </message>
    <message>
        <source>Channel topic</source>
        <translation>Kanalthema</translation>
    </message>
    <message>
        <source>Forum tags</source>
        <translation>Schlagwörter des Forums</translation>
    </message>
    <message>
        <source>Every member of the group sees the change.</source>
        <translation>Alle Mitglieder der Gruppe sehen die Änderung.</translation>
    </message>
    <message>
        <source>Channel name</source>
        <translation>Kanalname</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>Tags for topics, separated by commas</source>
        <translation>Schlagwörter für Themen, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Tags new topics can carry, separated by commas. Topics keep the tags they have. Every member of the group sees the change.</source>
        <translation>Schlagwörter, die neue Themen tragen können, durch Kommas getrennt. Themen behalten ihre Schlagwörter. Alle Mitglieder der Gruppe sehen die Änderung.</translation>
    </message>
    <message>
        <source>fiction, poetry, essays</source>
        <translation>Romane, Lyrik, Essays</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>Welcome to Coterie</source>
        <translation>Willkommen bei Coterie</translation>
    </message>
    <message>
        <source>A private place for your group. Start a group and invite people, or paste an invite link someone sent you.</source>
        <translation>Ein privater Ort für deine Gruppe. Gründe eine Gruppe und lade Leute ein, oder füge einen Einladungslink ein, den dir jemand geschickt hat.</translation>
    </message>
    <message>
        <source>Create a group</source>
        <translation>Gruppe gründen</translation>
    </message>
    <message>
        <source>Join with an invite link</source>
        <translation>Mit einem Einladungslink beitreten</translation>
    </message>
</context>
<context>
    <name>Events</name>
    <message>
        <source>{going} going · {maybe} maybe · {no} can&apos;t</source>
        <translation>{going} dabei · {maybe} vielleicht · {no} verhindert</translation>
    </message>
    <message>
        <source>You: going</source>
        <translation>Du: dabei</translation>
    </message>
    <message>
        <source>You: maybe</source>
        <translation>Du: vielleicht</translation>
    </message>
    <message>
        <source>You: can&apos;t</source>
        <translation>Du: verhindert</translation>
    </message>
    <message>
        <source>Click to answer</source>
        <translation>Klicken zum Antworten</translation>
    </message>
    <message>
        <source>(cancelled)</source>
        <translation>(abgesagt)</translation>
    </message>
    <message>
        <source>Going</source>
        <translation>Dabei</translation>
    </message>
    <message>
        <source>Maybe</source>
        <translation>Vielleicht</translation>
    </message>
    <message>
        <source>Can&apos;t</source>
        <translation>Verhindert</translation>
    </message>
    <message>
        <source>New event</source>
        <translation>Neuer Termin</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>Ends</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>A place or a link</source>
        <translation>Ein Ort oder ein Link</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Create event</source>
        <translation>Termin anlegen</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Termin</translation>
    </message>
    <message>
        <source>Answer: {answer}</source>
        <translation>Antwort: {answer}</translation>
    </message>
    <message>
        <source>Add to calendar (.ics)…</source>
        <translation>Zum Kalender hinzufügen (.ics)…</translation>
    </message>
    <message>
        <source>Cancel event</source>
        <translation>Termin absagen</translation>
    </message>
    <message>
        <source>Created by {name}</source>
        <translation>Angelegt von {name}</translation>
    </message>
    <message>
        <source>Save the event</source>
        <translation>Termin speichern</translation>
    </message>
    <message>
        <source>iCalendar (*.ics)</source>
        <translation>iCalendar (*.ics)</translation>
    </message>
    <message>
        <source>Saved to {path}.</source>
        <translation>Gespeichert unter {path}.</translation>
    </message>
    <message>
        <source>Upcoming</source>
        <translation>Demnächst</translation>
    </message>
    <message>
        <source>Upcoming events</source>
        <translation>Anstehende Termine</translation>
    </message>
    <message>
        <source>No upcoming events in this group.</source>
        <translation>Keine anstehenden Termine in dieser Gruppe.</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>Reminder, minutes before an event (0: none)</source>
        <translation>Erinnerung, Minuten vor einem Termin (0: keine)</translation>
    </message>
    <message>
        <source>Desktop reminder before events (0: none)</source>
        <translation>Desktop-Erinnerung vor Terminen (0: keine)</translation>
    </message>
    <message>
        <source>{title} starts at {time}</source>
        <translation>{title} beginnt um {time}</translation>
    </message>
    <message>
        <source>New event…</source>
        <translation>Neuer Termin…</translation>
    </message>
    <message>
        <source>Upcoming events…</source>
        <translation>Anstehende Termine…</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Export “{name}”</source>
        <translation>„{name}“ exportieren</translation>
    </message>
    <message>
        <source>Writes every post, reply, reaction, edit and deletion of this group, with the member list and fingerprints, as a page any browser opens offline and as JSON data. The files hold no keys, but anyone who gets them can read them.</source>
        <translation>Schreibt jeden Beitrag, jede Antwort, Reaktion, Bearbeitung und Löschung dieser Gruppe mit der Mitgliederliste und den Fingerabdrücken als Seite, die jeder Browser offline öffnet, und als JSON-Daten. Die Dateien enthalten keine Schlüssel, aber wer sie bekommt, kann sie lesen.</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>Exportordner</translation>
    </message>
    <message>
        <source>Into the folder</source>
        <translation>In den Ordner</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Web page and JSON</source>
        <translation>Webseite und JSON</translation>
    </message>
    <message>
        <source>Web page (HTML)</source>
        <translation>Webseite (HTML)</translation>
    </message>
    <message>
        <source>Export progress</source>
        <translation>Fortschritt des Exports</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Export the group</source>
        <translation>Die Gruppe exportieren</translation>
    </message>
    <message>
        <source>{n} posts written</source>
        <translation>{n} Beiträge geschrieben</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportiere…</translation>
    </message>
    <message>
        <source>Exported {posts} posts to {written}.</source>
        <translation>{posts} Beiträge nach {written} exportiert.</translation>
    </message>
</context>
<context>
    <name>FileCard</name>
    <message>
        <source>{size} · {type}{dims}</source>
        <translation>{size} · {type}{dims}</translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation>Download-Fortschritt</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>Heruntergeladen</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Download {name}</source>
        <translation>{name} herunterladen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Open {name}</source>
        <translation>{name} öffnen</translation>
    </message>
    <message>
        <source>Programs are never opened from Coterie; save it and check it first.</source>
        <translation>Programme werden aus Coterie nie geöffnet; speichere es und prüfe es zuerst.</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Speichern unter…</translation>
    </message>
    <message>
        <source>Save {name}</source>
        <translation>{name} speichern</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to Coterie</source>
        <translation>Willkommen bei Coterie</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Coterie keeps your groups private: everything is encrypted on this computer before it leaves. First, what should your groups call you?</source>
        <translation>Coterie hält deine Gruppen privat: Alles wird auf diesem Computer verschlüsselt, bevor es ihn verlässt. Zuerst: Wie sollen dich deine Gruppen nennen?</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Dein Name</translation>
    </message>
    <message>
        <source>Moving from another computer, or starting over after a lost one?</source>
        <translation>Umzug von einem anderen Computer oder Neuanfang nach einem verlorenen?</translation>
    </message>
    <message>
        <source>Restore from a backup…</source>
        <translation>Aus einer Sicherung wiederherstellen…</translation>
    </message>
    <message>
        <source>Restore from a backup</source>
        <translation>Aus einer Sicherung wiederherstellen</translation>
    </message>
    <message>
        <source>Already using Coterie on another desktop?</source>
        <translation>Nutzt du Coterie schon auf einem anderen Desktop?</translation>
    </message>
    <message>
        <source>Link to a desktop I already use…</source>
        <translation>Mit einem Desktop verknüpfen, den ich schon nutze…</translation>
    </message>
    <message>
        <source>Link to a desktop I already use</source>
        <translation>Mit einem Desktop verknüpfen, den ich schon nutze</translation>
    </message>
    <message>
        <source>Protect your profile</source>
        <translation>Schütze dein Profil</translation>
    </message>
    <message>
        <source>Keep the key in this computer&apos;s keyring (recommended)</source>
        <translation>Den Schlüssel im Schlüsselbund dieses Computers aufbewahren (empfohlen)</translation>
    </message>
    <message>
        <source>Coterie then opens without typing anything; the keyring is unlocked when you log in.</source>
        <translation>Coterie öffnet sich dann ohne Eingabe; der Schlüsselbund wird bei der Anmeldung entsperrt.</translation>
    </message>
    <message>
        <source>Use the system keyring</source>
        <translation>Den Schlüsselbund des Systems verwenden</translation>
    </message>
    <message>
        <source>Protect it with a passphrase I type each time</source>
        <translation>Mit einer Passphrase schützen, die ich jedes Mal eingebe</translation>
    </message>
    <message>
        <source>Use a passphrase</source>
        <translation>Eine Passphrase verwenden</translation>
    </message>
    <message>
        <source>Your posts are stored encrypted. Choose where the key lives.</source>
        <translation>Deine Beiträge werden verschlüsselt gespeichert. Wähle, wo der Schlüssel liegt.</translation>
    </message>
    <message>
        <source>Your posts are stored encrypted. This computer has no secure keyring, so choose a passphrase to protect the key.</source>
        <translation>Deine Beiträge werden verschlüsselt gespeichert. Dieser Computer hat keinen sicheren Schlüsselbund, wähle also eine Passphrase, die den Schlüssel schützt.</translation>
    </message>
    <message>
        <source>Save your recovery code</source>
        <translation>Sichere deinen Wiederherstellungscode</translation>
    </message>
    <message>
        <source>If you forget your passphrase or the keyring is lost, this code is the only way to open your profile. Write it down or keep it in a password manager. Coterie shows it only this once.</source>
        <translation>Wenn du deine Passphrase vergisst oder der Schlüsselbund verloren geht, ist dieser Code der einzige Weg, dein Profil zu öffnen. Schreib ihn auf oder bewahre ihn in einem Passwortmanager auf. Coterie zeigt ihn nur dieses eine Mal.</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Wiederherstellungscode</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Code kopieren</translation>
    </message>
    <message>
        <source>Copy the recovery code</source>
        <translation>Den Wiederherstellungscode kopieren</translation>
    </message>
    <message>
        <source>I have saved my recovery code somewhere safe</source>
        <translation>Ich habe meinen Wiederherstellungscode sicher aufbewahrt</translation>
    </message>
    <message>
        <source>I have saved my recovery code</source>
        <translation>Ich habe meinen Wiederherstellungscode gesichert</translation>
    </message>
    <message>
        <source>Create profile</source>
        <translation>Profil erstellen</translation>
    </message>
    <message>
        <source>Start using Coterie</source>
        <translation>Coterie verwenden</translation>
    </message>
    <message>
        <source>Creating your profile…</source>
        <translation>Dein Profil wird erstellt…</translation>
    </message>
    <message>
        <source>Please save the recovery code and tick the box first.</source>
        <translation>Bitte sichere zuerst den Wiederherstellungscode und setze das Häkchen.</translation>
    </message>
</context>
<context>
    <name>GroupList</name>
    <message>
        <source>You were removed from this group</source>
        <translation>Du wurdest aus dieser Gruppe entfernt</translation>
    </message>
    <message>
        <source>You left this group</source>
        <translation>Du hast diese Gruppe verlassen</translation>
    </message>
    <message>
        <source>No posts yet</source>
        <translation>Noch keine Beiträge</translation>
    </message>
    <message>
        <source>Muted · {preview}</source>
        <translation>Stumm · {preview}</translation>
    </message>
    <message>
        <source>muted</source>
        <translation>stumm</translation>
    </message>
    <message>
        <source>you were removed</source>
        <translation>du wurdest entfernt</translation>
    </message>
    <message>
        <source>last post {name}: {text}</source>
        <translation>letzter Beitrag {name}: {text}</translation>
    </message>
    <message>
        <source>last post {text}</source>
        <translation>letzter Beitrag {text}</translation>
    </message>
</context>
<context>
    <name>Gui</name>
    <message>
        <source>Coterie</source>
        <translation>Coterie</translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message>
        <source>This is not an image Coterie can show.</source>
        <translation>Das ist kein Bild, das Coterie anzeigen kann.</translation>
    </message>
    <message>
        <source>This image is too large to show.</source>
        <translation>Dieses Bild ist zu groß zum Anzeigen.</translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 Tag</translation>
    </message>
    <message>
        <source>3 days</source>
        <translation>3 Tage</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 Tage</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 Tage</translation>
    </message>
    <message>
        <source>Invite people to {name}</source>
        <translation>Leute zu {name} einladen</translation>
    </message>
    <message>
        <source>Anyone with the link can ask to join. Single-use links are admitted as soon as an admin&apos;s Coterie is online; multi-use links wait for your approval.</source>
        <translation>Wer den Link hat, kann um Beitritt bitten. Einmal-Links werden aufgenommen, sobald das Coterie eines Admins online ist; Mehrfach-Links warten auf deine Zustimmung.</translation>
    </message>
    <message>
        <source>How many people can use the link</source>
        <translation>Wie viele Leute den Link nutzen können</translation>
    </message>
    <message>
        <source>Link expires after</source>
        <translation>Link läuft ab nach</translation>
    </message>
    <message>
        <source>Create link</source>
        <translation>Link erstellen</translation>
    </message>
    <message>
        <source>Create invite link</source>
        <translation>Einladungslink erstellen</translation>
    </message>
    <message>
        <source>Uses</source>
        <translation>Nutzungen</translation>
    </message>
    <message>
        <source>Expires after</source>
        <translation>Läuft ab nach</translation>
    </message>
    <message>
        <source>The new link appears here</source>
        <translation>Der neue Link erscheint hier</translation>
    </message>
    <message>
        <source>Invite link</source>
        <translation>Einladungslink</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Link kopieren</translation>
    </message>
    <message>
        <source>Copy invite link</source>
        <translation>Einladungslink kopieren</translation>
    </message>
    <message>
        <source>Invite QR code</source>
        <translation>QR-Code der Einladung</translation>
    </message>
    <message>
        <source>QR code of the link</source>
        <translation>QR-Code des Links</translation>
    </message>
    <message>
        <source>Invites of this group</source>
        <translation>Einladungen dieser Gruppe</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Revoke the selected invite</source>
        <translation>Die ausgewählte Einladung widerrufen</translation>
    </message>
    <message>
        <source>Invites</source>
        <translation>Einladungen</translation>
    </message>
    <message>
        <source>Creating the invite…</source>
        <translation>Die Einladung wird erstellt…</translation>
    </message>
</context>
<context>
    <name>InviteList</name>
    <message>
        <source>{uses} · expires {when}</source>
        <translation>{uses} · läuft ab {when}</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Used up</source>
        <translation>Aufgebraucht</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Invite created {when}: {what}</source>
        <translation>Einladung erstellt {when}: {what}</translation>
    </message>
</context>
<context>
    <name>InviteListModel</name>
    <message numerus="yes">
        <source>{left} of %Ln uses left</source>
        <translation>
            <numerusform>{left} von %Ln Nutzung übrig</numerusform>
            <numerusform>{left} von %Ln Nutzungen übrig</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JoinDeviceDialog</name>
    <message>
        <source>On your other desktop, open Desktops and choose Link a desktop for a new code, then type it here.</source>
        <translation>Öffne auf deinem anderen Desktop „Desktops“ und wähle „Desktop verknüpfen“ für einen neuen Code; gib ihn dann hier ein.</translation>
    </message>
    <message>
        <source>If it happens again, someone between the two desktops may be interfering: link through another relay.</source>
        <translation>Geschieht das wieder, greift womöglich jemand zwischen den beiden Desktops ein: Verknüpfe über ein anderes Relay.</translation>
    </message>
    <message>
        <source>Link to a desktop I already use</source>
        <translation>Mit einem Desktop verknüpfen, den ich schon nutze</translation>
    </message>
    <message>
        <source>On the desktop you already use, open Desktops and choose Link a desktop. Type or paste the code it shows, or read it from a picture of its QR code. This desktop then gets your groups and their history, with keys of its own.</source>
        <translation>Öffne auf dem Desktop, den du schon nutzt, „Desktops“ und wähle „Desktop verknüpfen“. Tippe den angezeigten Code ein, füge ihn ein oder lies ihn aus einem Bild seines QR-Codes. Dieser Desktop erhält dann deine Gruppen und ihren Verlauf, mit eigenen Schlüsseln.</translation>
    </message>
    <message>
        <source>coterie://link#…  or  XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-X</source>
        <translation>coterie://link#…  oder  XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-X</translation>
    </message>
    <message>
        <source>Link code</source>
        <translation>Verknüpfungscode</translation>
    </message>
    <message>
        <source>Read the code from a picture…</source>
        <translation>Code aus einem Bild lesen…</translation>
    </message>
    <message>
        <source>Read the code from a picture</source>
        <translation>Code aus einem Bild lesen</translation>
    </message>
    <message>
        <source>A screenshot or photo of the QR code. You can also paste the picture into the code field or drop it on this window.</source>
        <translation>Ein Bildschirmfoto oder Foto des QR-Codes. Du kannst das Bild auch in das Codefeld einfügen oder auf dieses Fenster ziehen.</translation>
    </message>
    <message>
        <source>Scan with camera…</source>
        <translation>Mit der Kamera scannen…</translation>
    </message>
    <message>
        <source>Scan the code with the camera</source>
        <translation>Code mit der Kamera scannen</translation>
    </message>
    <message>
        <source>Only with the short code: the relay shown beside it</source>
        <translation>Nur beim Kurzcode: das daneben angezeigte Relay</translation>
    </message>
    <message>
        <source>Relay</source>
        <translation>Relay</translation>
    </message>
    <message>
        <source>Desktop</source>
        <translation>Desktop</translation>
    </message>
    <message>
        <source>This desktop&apos;s name</source>
        <translation>Name dieses Desktops</translation>
    </message>
    <message>
        <source>Keep the key in this computer&apos;s keyring (recommended)</source>
        <translation>Den Schlüssel im Schlüsselbund dieses Computers aufbewahren (empfohlen)</translation>
    </message>
    <message>
        <source>Use the system keyring</source>
        <translation>Den Schlüsselbund des Systems verwenden</translation>
    </message>
    <message>
        <source>Protect it with a passphrase I type each time</source>
        <translation>Mit einer Passphrase schützen, die ich jedes Mal eingebe</translation>
    </message>
    <message>
        <source>Use a passphrase</source>
        <translation>Eine Passphrase verwenden</translation>
    </message>
    <message>
        <source>This computer has no secure keyring: choose a passphrase for this desktop&apos;s profile.</source>
        <translation>Dieser Computer hat keinen sicheren Schlüsselbund: Wähle eine Passphrase für das Profil dieses Desktops.</translation>
    </message>
    <message>
        <source>Confirmation words</source>
        <translation>Bestätigungswörter</translation>
    </message>
    <message>
        <source>They differ</source>
        <translation>Sie unterscheiden sich</translation>
    </message>
    <message>
        <source>The words match</source>
        <translation>Die Wörter stimmen überein</translation>
    </message>
    <message>
        <source>Transfer progress</source>
        <translation>Fortschritt der Übertragung</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Verknüpfen</translation>
    </message>
    <message>
        <source>Link this desktop</source>
        <translation>Diesen Desktop verknüpfen</translation>
    </message>
    <message>
        <source>Picture of the link code</source>
        <translation>Bild des Verknüpfungscodes</translation>
    </message>
    <message>
        <source>Pictures (*.png *.jpg *.jpeg)</source>
        <translation>Bilder (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>Reading the code from the picture…</source>
        <translation>Code wird aus dem Bild gelesen…</translation>
    </message>
    <message>
        <source>The code was read from the picture. Name this desktop, then choose Link.</source>
        <translation>Der Code wurde aus dem Bild gelesen. Gib diesem Desktop einen Namen und wähle dann „Verknüpfen“.</translation>
    </message>
    <message>
        <source>Reaching your other desktop through its relay…</source>
        <translation>Dein anderer Desktop wird über sein Relay erreicht…</translation>
    </message>
    <message>
        <source>Does your other desktop ({name}) show exactly these words?</source>
        <translation>Zeigt dein anderer Desktop ({name}) genau diese Wörter?</translation>
    </message>
    <message>
        <source>Receiving your groups and their history…</source>
        <translation>Deine Gruppen und ihr Verlauf werden empfangen…</translation>
    </message>
</context>
<context>
    <name>JoinDialog</name>
    <message>
        <source>Join a group</source>
        <translation>Einer Gruppe beitreten</translation>
    </message>
    <message>
        <source>Paste the invite link someone sent you. The link stays on this computer; only a request to join is sent.</source>
        <translation>Füge den Einladungslink ein, den dir jemand geschickt hat. Der Link bleibt auf diesem Computer; gesendet wird nur eine Beitrittsanfrage.</translation>
    </message>
    <message>
        <source>coterie://join#…</source>
        <translation>coterie://join#…</translation>
    </message>
    <message>
        <source>Invite link</source>
        <translation>Einladungslink</translation>
    </message>
    <message>
        <source>Relay of this invite</source>
        <translation>Relay dieser Einladung</translation>
    </message>
    <message>
        <source>Warning about the relay address</source>
        <translation>Warnung zur Relay-Adresse</translation>
    </message>
    <message>
        <source>Contact this address anyway</source>
        <translation>Diese Adresse trotzdem kontaktieren</translation>
    </message>
    <message>
        <source>I accept the group&apos;s rules</source>
        <translation>Ich nehme die Regeln der Gruppe an</translation>
    </message>
    <message>
        <source>Accept the group&apos;s rules</source>
        <translation>Die Regeln der Gruppe annehmen</translation>
    </message>
    <message>
        <source>Join status</source>
        <translation>Beitrittsstatus</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Beitreten</translation>
    </message>
    <message>
        <source>Send the join request</source>
        <translation>Die Beitrittsanfrage senden</translation>
    </message>
    <message>
        <source>Cancel join</source>
        <translation>Beitritt abbrechen</translation>
    </message>
    <message>
        <source>Stop contacting the relay</source>
        <translation>Den Kontakt zum Relay beenden</translation>
    </message>
    <message>
        <source>Relay: {host} — contacted only when you press Join.</source>
        <translation>Relay: {host} – wird erst kontaktiert, wenn du auf Beitreten drückst.</translation>
    </message>
    <message>
        <source>This link points to {host}, an address on {local}, not on the internet. A link from someone you do not know could use it to reach devices here. Continue only if you expected a relay there.</source>
        <translation>Dieser Link zeigt auf {host}, eine Adresse {local}, nicht im Internet. Ein Link von jemandem, den du nicht kennst, könnte damit Geräte hier erreichen. Fahre nur fort, wenn du dort ein Relay erwartet hast.</translation>
    </message>
    <message>
        <source>Contact {host} anyway</source>
        <translation>{host} trotzdem kontaktieren</translation>
    </message>
    <message>
        <source>Contacting {value} to read the invite and send your request…</source>
        <translation>Kontaktiere {value}, um die Einladung zu lesen und deine Anfrage zu senden…</translation>
    </message>
    <message>
        <source>the relay</source>
        <translation>das Relay</translation>
    </message>
    <message>
        <source>“{name}” has rules. Read them; you join by accepting them.</source>
        <translation>„{name}“ hat Regeln. Lies sie; du trittst bei, indem du sie annimmst.</translation>
    </message>
    <message>
        <source>“{name}”</source>
        <translation>„{name}“</translation>
    </message>
    <message>
        <source>the group</source>
        <translation>der Gruppe</translation>
    </message>
    <message>
        <source>You joined {name}.</source>
        <translation>Du bist {name} beigetreten.</translation>
    </message>
    <message>
        <source>Request to join {name} sent. {message} You can close this window; the group appears when you are admitted.</source>
        <translation>Anfrage zum Beitritt zu {name} gesendet. {message} Du kannst dieses Fenster schließen; die Gruppe erscheint, sobald du aufgenommen bist.</translation>
    </message>
    <message>
        <source>Joining {name} did not work.</source>
        <translation>Der Beitritt zu {name} hat nicht geklappt.</translation>
    </message>
</context>
<context>
    <name>JoinRequestsDialog</name>
    <message>
        <source>Join requests for {name}</source>
        <translation>Beitrittsanfragen für {name}</translation>
    </message>
    <message>
        <source>Before approving, check the fingerprint with the person through a channel you trust (in person or a call).</source>
        <translation>Prüfe vor dem Zustimmen den Fingerabdruck mit der Person über einen Weg, dem du vertraust (persönlich oder per Anruf).</translation>
    </message>
    <message>
        <source>Waiting join requests</source>
        <translation>Wartende Beitrittsanfragen</translation>
    </message>
    <message>
        <source>No one is waiting to join.</source>
        <translation>Niemand wartet auf den Beitritt.</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Zustimmen</translation>
    </message>
    <message>
        <source>Approve the selected request</source>
        <translation>Der ausgewählten Anfrage zustimmen</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Decline the selected request</source>
        <translation>Die ausgewählte Anfrage ablehnen</translation>
    </message>
    <message>
        <source>Admitting…</source>
        <translation>Nehme auf…</translation>
    </message>
    <message>
        <source>Declining…</source>
        <translation>Lehne ab…</translation>
    </message>
</context>
<context>
    <name>LibraryDialog</name>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Dokumente</translation>
    </message>
    <message>
        <source>Audio and video</source>
        <translation>Audio und Video</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Links</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>Neueste zuerst</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>Älteste zuerst</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>Nach Name</translation>
    </message>
    <message>
        <source>Largest first</source>
        <translation>Größte zuerst</translation>
    </message>
    <message>
        <source>Open puts a decrypted copy in a private temporary folder that is removed when Coterie closes; files stay encrypted everywhere else until you save them.</source>
        <translation>Öffnen legt eine entschlüsselte Kopie in einen privaten temporären Ordner, der beim Schließen von Coterie entfernt wird; überall sonst bleiben Dateien verschlüsselt, bis du sie speicherst.</translation>
    </message>
    <message>
        <source>Files and library — {name}</source>
        <translation>Dateien und Bibliothek – {name}</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Every channel</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>Shared by</source>
        <translation>Geteilt von</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Reihenfolge</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>(ohne Titel)</translation>
    </message>
    <message>
        <source>Pinned: {title}</source>
        <translation>Angeheftet: {title}</translation>
    </message>
    <message>
        <source>Link: {url}</source>
        <translation>Link: {url}</translation>
    </message>
    <message>
        <source>Nothing shared here yet. Drop files on the conversation to share.</source>
        <translation>Hier wurde noch nichts geteilt. Lege Dateien auf der Unterhaltung ab, um sie zu teilen.</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Lösen</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Anheften</translation>
    </message>
    <message>
        <source>Edit tags…</source>
        <translation>Schlagwörter bearbeiten…</translation>
    </message>
    <message>
        <source>Edit the tags of {title}</source>
        <translation>Schlagwörter von {title} bearbeiten</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Take it out of the library; the post stays in the conversation.</source>
        <translation>Aus der Bibliothek nehmen; der Beitrag bleibt im Gespräch.</translation>
    </message>
    <message>
        <source>Edit tags</source>
        <translation>Schlagwörter bearbeiten</translation>
    </message>
    <message>
        <source>Tags, separated by commas:</source>
        <translation>Schlagwörter, durch Kommas getrennt:</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the download of {name}</source>
        <translation>Download von {name} abbrechen</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>Heruntergeladen</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Download cancelled.</source>
        <translation>Download abgebrochen.</translation>
    </message>
    <message>
        <source>Save into folder</source>
        <translation>In Ordner speichern</translation>
    </message>
    <message>
        <source>Saved as {path}.</source>
        <translation>Gespeichert als {path}.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Coterie</source>
        <translation>Coterie</translation>
    </message>
    <message>
        <source>Choose a group on the left.</source>
        <translation>Wähle links eine Gruppe.</translation>
    </message>
    <message>
        <source>You: {name}
Fingerprint {fingerprint}</source>
        <translation>Du: {name}
Fingerabdruck {fingerprint}</translation>
    </message>
    <message>
        <source>{name} — Coterie</source>
        <translation>{name} – Coterie</translation>
    </message>
    <message>
        <source>Leave group</source>
        <translation>Gruppe verlassen</translation>
    </message>
    <message>
        <source>Leave “{isolate}”? Coterie stops syncing it and forgets its posts on this computer. To come back you need a new invite.</source>
        <translation>„{isolate}“ verlassen? Coterie synchronisiert sie nicht mehr und vergisst ihre Beiträge auf diesem Computer. Um zurückzukommen, brauchst du eine neue Einladung.</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>Verlassen</translation>
    </message>
</context>
<context>
    <name>Markdown</name>
    <message>
        <source>[image not loaded: {name}]</source>
        <translation>[Bild nicht geladen: {name}]</translation>
    </message>
    <message>
        <source>[image not loaded]</source>
        <translation>[Bild nicht geladen]</translation>
    </message>
</context>
<context>
    <name>MemberDirectory</name>
    <message>
        <source>Founding member</source>
        <translation>Gründungsmitglied</translation>
    </message>
    <message>
        <source>{n} posts</source>
        <translation>{n} Beiträge</translation>
    </message>
    <message>
        <source>Welcomed a newcomer first</source>
        <translation>Hat einen Neuling als Erstes begrüßt</translation>
    </message>
    <message>
        <source>Welcomed {n} newcomers first</source>
        <translation>Hat {n} Neulinge als Erstes begrüßt</translation>
    </message>
    <message>
        <source>Most helpful</source>
        <translation>Am hilfreichsten</translation>
    </message>
    <message>
        <source>One year here</source>
        <translation>Seit einem Jahr dabei</translation>
    </message>
    <message>
        <source>{n} years here</source>
        <translation>Seit {n} Jahren dabei</translation>
    </message>
    <message>
        <source>Members of {name}</source>
        <translation>Mitglieder von {name}</translation>
    </message>
    <message>
        <source>Search names, pronouns, bios, roles, badges</source>
        <translation>Namen, Pronomen, Beschreibungen, Rollen, Abzeichen durchsuchen</translation>
    </message>
    <message>
        <source>Search members</source>
        <translation>Mitglieder durchsuchen</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>No member matches.</source>
        <translation>Kein Mitglied passt.</translation>
    </message>
    <message>
        <source>Show this month&apos;s top contributors (counted on this computer, never sent)</source>
        <translation>Die aktivsten Mitglieder dieses Monats zeigen (auf diesem Computer gezählt, nie gesendet)</translation>
    </message>
    <message>
        <source>Top contributors this month</source>
        <translation>Die aktivsten Mitglieder dieses Monats</translation>
    </message>
    <message>
        <source>Edit my profile in this group…</source>
        <translation>Mein Profil in dieser Gruppe bearbeiten …</translation>
    </message>
    <message>
        <source>Profile card</source>
        <translation>Profilkarte</translation>
    </message>
    <message>
        <source> (you)</source>
        <translation> (du)</translation>
    </message>
    <message>
        <source>listed as {name}</source>
        <translation>in der Liste als {name}</translation>
    </message>
    <message>
        <source>joined {date}</source>
        <translation>beigetreten {date}</translation>
    </message>
    <message>
        <source>{rank}. {name} — {posts} posts, {reactions} reactions</source>
        <translation>{rank}. {name} — {posts} Beiträge, {reactions} Reaktionen</translation>
    </message>
    <message>
        <source>Nobody has posted this month yet.</source>
        <translation>Diesen Monat hat noch niemand etwas geschrieben.</translation>
    </message>
    <message>
        <source>Profile of {name}</source>
        <translation>Profil von {name}</translation>
    </message>
    <message>
        <source>Avatar</source>
        <translation>Avatar</translation>
    </message>
    <message>
        <source>A title, such as Mentor</source>
        <translation>Ein Titel, etwa Mentorin</translation>
    </message>
    <message>
        <source>Badge title</source>
        <translation>Titel des Abzeichens</translation>
    </message>
    <message>
        <source>Grant</source>
        <translation>Verleihen</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Entziehen</translation>
    </message>
    <message>
        <source>Local time: {time} ({zone}, UTC{offset})</source>
        <translation>Ortszeit: {time} ({zone}, UTC{offset})</translation>
    </message>
    <message>
        <source>Joined {date}</source>
        <translation>Beigetreten {date}</translation>
    </message>
    <message>
        <source>Badges: {titles}</source>
        <translation>Abzeichen: {titles}</translation>
    </message>
    <message>
        <source>No badges yet.</source>
        <translation>Noch keine Abzeichen.</translation>
    </message>
    <message>
        <source>Fingerprint: {fp}</source>
        <translation>Fingerabdruck: {fp}</translation>
    </message>
    <message>
        <source>My profile in {name}</source>
        <translation>Mein Profil in {name}</translation>
    </message>
    <message>
        <source>Only the members of this group see this profile; each group can know you differently.</source>
        <translation>Nur die Mitglieder dieser Gruppe sehen dieses Profil; jede Gruppe kann dich anders kennen.</translation>
    </message>
    <message>
        <source>Name in this group</source>
        <translation>Name in dieser Gruppe</translation>
    </message>
    <message>
        <source>e.g. she/her</source>
        <translation>z. B. sie/ihr</translation>
    </message>
    <message>
        <source>Pronouns</source>
        <translation>Pronomen</translation>
    </message>
    <message>
        <source>Bio</source>
        <translation>Über mich</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zeitzone</translation>
    </message>
    <message>
        <source>Not shown</source>
        <translation>Nicht angezeigt</translation>
    </message>
    <message>
        <source>Choose picture…</source>
        <translation>Bild wählen …</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Made 128 × 128 pixels and sent without its metadata.</source>
        <translation>Wird auf 128 × 128 Pixel gebracht und ohne Metadaten gesendet.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Choose a picture</source>
        <translation>Ein Bild wählen</translation>
    </message>
    <message>
        <source>Pictures (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</translation>
    </message>
</context>
<context>
    <name>MemberList</name>
    <message>
        <source>{name} (you)</source>
        <translation>{name} (du)</translation>
    </message>
    <message>
        <source>{member} · {role}</source>
        <translation>{member} · {role}</translation>
    </message>
    <message>
        <source>{member} · ✓ verified</source>
        <translation>{member} · ✓ verifiziert</translation>
    </message>
    <message>
        <source>{member}, fingerprint {fingerprint}</source>
        <translation>{member}, Fingerabdruck {fingerprint}</translation>
    </message>
</context>
<context>
    <name>MembersDialog</name>
    <message>
        <source>Remove {who} from “{group}”?

{who} will not be able to read anything posted from now on, and cannot post. Everyone&apos;s Coterie switches to new keys and a new mailbox on the relay. What {who} already received stays on their device. To come back they need a new invite.</source>
        <translation>{who} aus „{group}“ entfernen?

{who} kann ab jetzt nichts Neues mehr lesen und nicht mehr posten. Das Coterie aller wechselt zu neuen Schlüsseln und einem neuen Postfach auf dem Relay. Was {who} schon erhalten hat, bleibt auf dem Gerät. Um zurückzukommen, braucht es eine neue Einladung.</translation>
    </message>
    <message>
        <source>Members of {name}</source>
        <translation>Mitglieder von {name}</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Fingerabdruck</translation>
    </message>
    <message>
        <source>Safety number</source>
        <translation>Sicherheitsnummer</translation>
    </message>
    <message>
        <source>Compare in person (QR)…</source>
        <translation>Persönlich vergleichen (QR)…</translation>
    </message>
    <message>
        <source>Show the safety number and its QR code</source>
        <translation>Die Sicherheitsnummer und ihren QR-Code zeigen</translation>
    </message>
    <message>
        <source>Make admin</source>
        <translation>Zum Admin machen</translation>
    </message>
    <message>
        <source>Make the selected member an admin</source>
        <translation>Das ausgewählte Mitglied zum Admin machen</translation>
    </message>
    <message>
        <source>Remove from group…</source>
        <translation>Entfernen…</translation>
    </message>
    <message>
        <source>Remove the selected member</source>
        <translation>Das ausgewählte Mitglied entfernen</translation>
    </message>
    <message>
        <source>New role for the selected member</source>
        <translation>Neue Rolle für das ausgewählte Mitglied</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>Rolle ändern …</translation>
    </message>
    <message>
        <source>Give the selected member the chosen role</source>
        <translation>Dem ausgewählten Mitglied die gewählte Rolle geben</translation>
    </message>
    <message>
        <source>Time out…</source>
        <translation>Auszeit…</translation>
    </message>
    <message>
        <source>Time out the selected member, or lift their timeout</source>
        <translation>Dem ausgewählten Mitglied eine Auszeit geben oder sie aufheben</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>{name} (you)</source>
        <translation>{name} (du)</translation>
    </message>
    <message>
        <source>{title} — {what}</source>
        <translation>{title} – {what}</translation>
    </message>
    <message>
        <source>{role} · ✓ verified</source>
        <translation>{role} · ✓ verifiziert</translation>
    </message>
    <message>
        <source>This is you.</source>
        <translation>Das bist du.</translation>
    </message>
    <message>
        <source>Hand ownership over</source>
        <translation>Eigentum übergeben</translation>
    </message>
    <message>
        <source>Making {isolate} an admin…</source>
        <translation>{isolate} wird zum Admin…</translation>
    </message>
    <message>
        <source>Make {isolate} an admin? Admins can invite, admit, remove and promote members.</source>
        <translation>{isolate} zum Admin machen? Admins können Mitglieder einladen, aufnehmen, entfernen und befördern.</translation>
    </message>
    <message>
        <source>Hand ownership of “{group}” to {who}? You stay an admin; only the new owner can hand it on again.</source>
        <translation>„{group}“ an {who} übergeben? Du bleibst Admin; nur die neue Eigentümerin oder der neue Eigentümer kann sie weitergeben.</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>Übergeben</translation>
    </message>
    <message>
        <source>Make {who} {role}? {role_title}: {what}. Every member&apos;s Coterie applies the change.</source>
        <translation>{who} zu {role} machen? {role_title}: {what}. Das Coterie jedes Mitglieds übernimmt die Änderung.</translation>
    </message>
    <message>
        <source>Make {role}</source>
        <translation>Zu {role} machen</translation>
    </message>
    <message>
        <source>Changing the role of {who}…</source>
        <translation>Rolle von {who} wird geändert …</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>Rolle ändern</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>Mitglied entfernen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Removing {isolate} and switching to new keys…</source>
        <translation>Entferne {isolate} und wechsle zu neuen Schlüsseln…</translation>
    </message>
</context>
<context>
    <name>ModerateDialog</name>
    <message>
        <source>Optional; shown in the moderation log</source>
        <translation>Optional; steht im Moderationsprotokoll</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>10 minutes</source>
        <translation>10 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 Tag</translation>
    </message>
    <message>
        <source>1 week</source>
        <translation>1 Woche</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>One post every 10 seconds</source>
        <translation>Ein Beitrag alle 10 Sekunden</translation>
    </message>
    <message>
        <source>One post every 30 seconds</source>
        <translation>Ein Beitrag alle 30 Sekunden</translation>
    </message>
    <message>
        <source>One post a minute</source>
        <translation>Ein Beitrag pro Minute</translation>
    </message>
    <message>
        <source>One post every 5 minutes</source>
        <translation>Ein Beitrag alle 5 Minuten</translation>
    </message>
    <message>
        <source>One post an hour</source>
        <translation>Ein Beitrag pro Stunde</translation>
    </message>
    <message>
        <source>Remove a post</source>
        <translation>Einen Beitrag entfernen</translation>
    </message>
    <message>
        <source>Remove this post by {author} for everyone in the group? A note that a moderator removed it stays in its place, and the moderation log names you and your reason.</source>
        <translation>Diesen Beitrag von {author} für alle in der Gruppe entfernen? An seiner Stelle bleibt ein Hinweis, dass eine Moderatorin oder ein Moderator ihn entfernt hat, und das Moderationsprotokoll nennt dich und deinen Grund.</translation>
    </message>
    <message>
        <source>Remove post</source>
        <translation>Beitrag entfernen</translation>
    </message>
    <message>
        <source>The post</source>
        <translation>Der Beitrag</translation>
    </message>
    <message>
        <source>Time out {member}</source>
        <translation>Auszeit für {member}</translation>
    </message>
    <message>
        <source>For the time you choose, {member} can read but cannot post, react or vote; every member&apos;s Coterie refuses what they send, even if it arrives late. The moderation log shows who did it and why.</source>
        <translation>Für die gewählte Zeit kann {member} lesen, aber nicht posten, reagieren oder abstimmen; das Coterie jedes Mitglieds weist zurück, was {member} sendet, auch wenn es verspätet ankommt. Das Moderationsprotokoll zeigt, wer es getan hat und warum.</translation>
    </message>
    <message>
        <source>Time out</source>
        <translation>Auszeit geben</translation>
    </message>
    <message>
        <source>How long</source>
        <translation>Wie lange</translation>
    </message>
    <message>
        <source>Lift the timeout</source>
        <translation>Auszeit aufheben</translation>
    </message>
    <message>
        <source>End this member&apos;s timeout now</source>
        <translation>Die Auszeit dieses Mitglieds jetzt beenden</translation>
    </message>
    <message>
        <source>{member} is timed out until {time}. A new timeout replaces it.</source>
        <translation>{member} hat bis {time} eine Auszeit. Eine neue Auszeit ersetzt sie.</translation>
    </message>
    <message>
        <source>Slow mode and lock of {channel}</source>
        <translation>Langsamer Modus und Sperre von {channel}</translation>
    </message>
    <message>
        <source>Slow mode lets each member post once per interval in {channel}; a locked channel is read-only for members. Moderators and admins are not limited. Every member&apos;s Coterie enforces both.</source>
        <translation>Im langsamen Modus kann jedes Mitglied in {channel} einmal pro Zeitraum posten; ein gesperrter Kanal ist für Mitglieder schreibgeschützt. Moderation und Admins sind nicht eingeschränkt. Das Coterie jedes Mitglieds setzt beides durch.</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Slow mode</source>
        <translation>Langsamer Modus</translation>
    </message>
    <message>
        <source>Locked: only moderators and admins post here</source>
        <translation>Gesperrt: Nur Moderation und Admins posten hier</translation>
    </message>
    <message>
        <source>One post every {seconds} seconds</source>
        <translation>Ein Beitrag alle {seconds} Sekunden</translation>
    </message>
    <message>
        <source>A moderator timed you out until {time}: you can read, but not post, react or vote.</source>
        <translation>Die Moderation hat dir bis {time} eine Auszeit gegeben: Du kannst lesen, aber nicht posten, reagieren oder abstimmen.</translation>
    </message>
    <message>
        <source>A moderator locked this channel: it is read-only for members.</source>
        <translation>Die Moderation hat diesen Kanal gesperrt: Er ist für Mitglieder schreibgeschützt.</translation>
    </message>
</context>
<context>
    <name>ModerationLogDialog</name>
    <message>
        <source>Moderation log of {name}</source>
        <translation>Moderationsprotokoll von {name}</translation>
    </message>
    <message>
        <source>Every member&apos;s Coterie enforces these actions and keeps this log; everyone in the group can read it.</source>
        <translation>Das Coterie jedes Mitglieds setzt diese Maßnahmen durch und führt dieses Protokoll; alle in der Gruppe können es lesen.</translation>
    </message>
    <message>
        <source>Moderation actions</source>
        <translation>Moderationsmaßnahmen</translation>
    </message>
    <message>
        <source>No moderation actions yet.</source>
        <translation>Noch keine Moderationsmaßnahmen.</translation>
    </message>
    <message>
        <source>{time} — {what}</source>
        <translation>{time} – {what}</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>Coterie</source>
        <translation>Coterie</translation>
    </message>
    <message>
        <source>Show Coterie</source>
        <translation>Coterie zeigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
</context>
<context>
    <name>PassphraseFields</name>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Repeat the passphrase</source>
        <translation>Die Passphrase wiederholen</translation>
    </message>
    <message>
        <source>Passphrase strength</source>
        <translation>Stärke der Passphrase</translation>
    </message>
    <message>
        <source>Passphrase strength hint</source>
        <translation>Hinweis zur Stärke der Passphrase</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Die beiden Passphrasen sind verschieden.</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>{label}: {hint}</source>
        <translation>{label}: {hint}</translation>
    </message>
    <message>
        <source>The two passphrase entries differ.</source>
        <translation>Die beiden Eingaben der Passphrase sind verschieden.</translation>
    </message>
</context>
<context>
    <name>PassphraseStrength</name>
    <message>
        <source>Too short</source>
        <translation>Zu kurz</translation>
    </message>
    <message>
        <source>Use at least 8 characters; a few unrelated words work best.</source>
        <translation>Verwende mindestens 8 Zeichen; ein paar Wörter ohne Zusammenhang wirken am besten.</translation>
    </message>
    <message>
        <source>Too easy to guess</source>
        <translation>Zu leicht zu erraten</translation>
    </message>
    <message>
        <source>This is a common password or pattern that is guessed first; use a few unrelated words instead.</source>
        <translation>Das ist ein gängiges Passwort oder Muster, das zuerst geraten wird; nimm stattdessen ein paar Wörter ohne Zusammenhang.</translation>
    </message>
    <message>
        <source>Weak</source>
        <translation>Schwach</translation>
    </message>
    <message>
        <source>Common words, names, dates and keyboard patterns are guessed early; add another unrelated word or two.</source>
        <translation>Gängige Wörter, Namen, Daten und Tastaturmuster werden früh geraten; füge noch ein oder zwei Wörter ohne Zusammenhang hinzu.</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>Good start; one more unrelated word makes it strong.</source>
        <translation>Guter Anfang; ein weiteres Wort ohne Zusammenhang macht sie stark.</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>Gut</translation>
    </message>
    <message>
        <source>Hard to guess. Keep it somewhere safe.</source>
        <translation>Schwer zu erraten. Bewahre sie sicher auf.</translation>
    </message>
    <message>
        <source>Strong</source>
        <translation>Stark</translation>
    </message>
    <message>
        <source>Very hard to guess. Keep it somewhere safe.</source>
        <translation>Sehr schwer zu erraten. Bewahre sie sicher auf.</translation>
    </message>
</context>
<context>
    <name>PinnedDrawer</name>
    <message>
        <source>Pinned posts</source>
        <translation>Angeheftete Beiträge</translation>
    </message>
    <message>
        <source>Pinned ({count})</source>
        <translation>Angeheftet ({count})</translation>
    </message>
</context>
<context>
    <name>Polls</name>
    <message>
        <source>Several choices</source>
        <translation>Mehrfachauswahl</translation>
    </message>
    <message>
        <source>One choice</source>
        <translation>Eine Auswahl</translation>
    </message>
    <message>
        <source>{n} voted</source>
        <translation>{n} abgestimmt</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Closes {when}</source>
        <translation>Endet {when}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>You voted · click to change</source>
        <translation>Du hast abgestimmt · klicken zum Ändern</translation>
    </message>
    <message>
        <source>You voted</source>
        <translation>Du hast abgestimmt</translation>
    </message>
    <message>
        <source>Click to vote</source>
        <translation>Klicken zum Abstimmen</translation>
    </message>
    <message>
        <source>You did not vote</source>
        <translation>Du hast nicht abgestimmt</translation>
    </message>
    <message>
        <source>Anonymous: the creator sees who voted; others see totals.</source>
        <translation>Anonym: Wer die Umfrage erstellt hat, sieht, wer abgestimmt hat; alle anderen sehen nur die Summen.</translation>
    </message>
    <message>
        <source>Closes by hand</source>
        <translation>Endet von Hand</translation>
    </message>
    <message>
        <source>Closes in 1 hour</source>
        <translation>Endet in 1 Stunde</translation>
    </message>
    <message>
        <source>Closes in 1 day</source>
        <translation>Endet in 1 Tag</translation>
    </message>
    <message>
        <source>Closes in 1 week</source>
        <translation>Endet in 1 Woche</translation>
    </message>
    <message>
        <source>New poll</source>
        <translation>Neue Umfrage</translation>
    </message>
    <message>
        <source>Ask a question</source>
        <translation>Stell eine Frage</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>Add an option</source>
        <translation>Option hinzufügen</translation>
    </message>
    <message>
        <source>Members may choose several options</source>
        <translation>Mitglieder dürfen mehrere Optionen wählen</translation>
    </message>
    <message>
        <source>Anonymous: the creator sees who voted; others see totals</source>
        <translation>Anonym: Wer die Umfrage erstellt hat, sieht, wer abgestimmt hat; alle anderen sehen nur die Summen</translation>
    </message>
    <message>
        <source>When the poll closes</source>
        <translation>Wann die Umfrage endet</translation>
    </message>
    <message>
        <source>Create poll</source>
        <translation>Umfrage anlegen</translation>
    </message>
    <message>
        <source>Option {n}</source>
        <translation>Option {n}</translation>
    </message>
    <message>
        <source>Poll</source>
        <translation>Umfrage</translation>
    </message>
    <message>
        <source>Change vote</source>
        <translation>Stimme ändern</translation>
    </message>
    <message>
        <source>Retract my vote</source>
        <translation>Meine Stimme zurückziehen</translation>
    </message>
    <message>
        <source>Close poll</source>
        <translation>Umfrage beenden</translation>
    </message>
    <message>
        <source>Closed.</source>
        <translation>Beendet.</translation>
    </message>
    <message>
        <source>You voted.</source>
        <translation>Du hast abgestimmt.</translation>
    </message>
    <message>
        <source>You have not voted.</source>
        <translation>Du hast noch nicht abgestimmt.</translation>
    </message>
    <message>
        <source>Vote</source>
        <translation>Abstimmen</translation>
    </message>
    <message>
        <source>New poll…</source>
        <translation>Neue Umfrage…</translation>
    </message>
</context>
<context>
    <name>Post</name>
    <message>
        <source>Someone</source>
        <translation>Jemand</translation>
    </message>
    <message>
        <source>The original post was deleted</source>
        <translation>Der ursprüngliche Beitrag wurde gelöscht</translation>
    </message>
    <message>
        <source>The original post is not available on this device</source>
        <translation>Der ursprüngliche Beitrag ist auf diesem Gerät nicht verfügbar</translation>
    </message>
    <message>
        <source>Rejected by every member&apos;s app: {rule}.</source>
        <translation>Von der App jedes Mitglieds abgelehnt: {rule}.</translation>
    </message>
    <message>
        <source>A newer version of Coterie is needed to show this post.</source>
        <translation>Um diesen Beitrag anzuzeigen, wird eine neuere Version von Coterie gebraucht.</translation>
    </message>
    <message>
        <source>A moderator did not approve this post; the others never saw it</source>
        <translation>Eine Moderatorin oder ein Moderator hat diesen Beitrag nicht freigegeben; die anderen haben ihn nie gesehen</translation>
    </message>
    <message>
        <source>This post was deleted</source>
        <translation>Dieser Beitrag wurde gelöscht</translation>
    </message>
    <message>
        <source>This post was deleted by {name}</source>
        <translation>Dieser Beitrag wurde von {name} gelöscht</translation>
    </message>
    <message>
        <source>Warning: {text}</source>
        <translation>Warnung: {text}</translation>
    </message>
    <message>
        <source>{name}, {when}: a post this version of Coterie cannot show</source>
        <translation>{name}, {when}: ein Beitrag, den diese Version von Coterie nicht anzeigen kann</translation>
    </message>
    <message>
        <source>{name}, {when}: deleted by {by}</source>
        <translation>{name}, {when}: gelöscht von {by}</translation>
    </message>
    <message>
        <source>{name}, {when}: deleted</source>
        <translation>{name}, {when}: gelöscht</translation>
    </message>
    <message>
        <source>{head}, replying to {name}</source>
        <translation>{head}, Antwort an {name}</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>bearbeitet</translation>
    </message>
    <message>
        <source>pinned</source>
        <translation>angeheftet</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>wird gesendet…</translation>
    </message>
    <message>
        <source>reactions {list}</source>
        <translation>Reaktionen {list}</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>wird gesendet</translation>
    </message>
    <message>
        <source>1 reply</source>
        <translation>1 Antwort</translation>
    </message>
    <message>
        <source>{count} replies</source>
        <translation>{count} Antworten</translation>
    </message>
    <message>
        <source>last by {name} {time}</source>
        <translation>zuletzt {name} {time}</translation>
    </message>
    <message>
        <source>last by {name}</source>
        <translation>zuletzt {name}</translation>
    </message>
    <message>
        <source>{count} new</source>
        <translation>{count} neu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Waiting for a moderator&apos;s approval: the others do not see this post yet.</source>
        <translation>Wartet auf die Freigabe durch die Moderation: die anderen sehen diesen Beitrag noch nicht.</translation>
    </message>
</context>
<context>
    <name>PostActions</name>
    <message>
        <source>Reply</source>
        <translation>Antworten</translation>
    </message>
    <message>
        <source>React</source>
        <translation>Reagieren</translation>
    </message>
    <message>
        <source>More</source>
        <translation>Mehr</translation>
    </message>
</context>
<context>
    <name>ReactionPicker</name>
    <message>
        <source>React with {emoji}</source>
        <translation>Mit {emoji} reagieren</translation>
    </message>
    <message>
        <source>Take back {emoji}</source>
        <translation>{emoji} zurücknehmen</translation>
    </message>
    <message>
        <source>React</source>
        <translation>Reagieren</translation>
    </message>
</context>
<context>
    <name>ReactionRow</name>
    <message>
        <source>React</source>
        <translation>Reagieren</translation>
    </message>
</context>
<context>
    <name>ReadCode</name>
    <message>
        <source>This picture holds no Coterie link code. Show the code on your other desktop and try again.</source>
        <translation>Dieses Bild enthält keinen Coterie-Verknüpfungscode. Lass dir den Code auf deinem anderen Desktop anzeigen und versuche es noch einmal.</translation>
    </message>
    <message>
        <source>This picture is too large to read. Take a picture of just the code and try again.</source>
        <translation>Dieses Bild ist zu groß zum Lesen. Nimm ein Bild nur vom Code auf und versuche es noch einmal.</translation>
    </message>
    <message>
        <source>This is not a picture Coterie can read. Choose a PNG or JPEG picture of the code.</source>
        <translation>Das ist kein Bild, das Coterie lesen kann. Wähle ein PNG- oder JPEG-Bild des Codes.</translation>
    </message>
</context>
<context>
    <name>RenameGroupDialog</name>
    <message>
        <source>A group needs a name; type one, or press Cancel to keep the old one.</source>
        <translation>Eine Gruppe braucht einen Namen; gib einen ein oder drücke Abbrechen, um den alten zu behalten.</translation>
    </message>
    <message>
        <source>Rename group</source>
        <translation>Gruppe umbenennen</translation>
    </message>
    <message>
        <source>The new name is shown to every member of the group.</source>
        <translation>Der neue Name wird allen Mitgliedern der Gruppe angezeigt.</translation>
    </message>
    <message>
        <source>Group name</source>
        <translation>Gruppenname</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Rename the group</source>
        <translation>Die Gruppe umbenennen</translation>
    </message>
    <message>
        <source>Renaming…</source>
        <translation>Benenne um…</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Report a post</source>
        <translation>Beitrag melden</translation>
    </message>
    <message>
        <source>Only the group&apos;s moderators and admins can read your report. It carries the post as {author} signed it, so they can check who wrote it.</source>
        <translation>Nur die Moderation und die Admins der Gruppe können deine Meldung lesen. Sie enthält den Beitrag so, wie {author} ihn signiert hat, damit sie prüfen können, wer ihn geschrieben hat.</translation>
    </message>
    <message>
        <source>The reported post</source>
        <translation>Der gemeldete Beitrag</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Anything the moderators should know (optional)</source>
        <translation>Was die Moderation wissen sollte (optional)</translation>
    </message>
    <message>
        <source>Details for the moderators</source>
        <translation>Details für die Moderation</translation>
    </message>
    <message>
        <source>Send report</source>
        <translation>Meldung senden</translation>
    </message>
    <message>
        <source>Why are you reporting it?</source>
        <translation>Warum meldest du ihn?</translation>
    </message>
</context>
<context>
    <name>ReportQueueDialog</name>
    <message>
        <source>Reports in {name}</source>
        <translation>Meldungen in {name}</translation>
    </message>
    <message>
        <source>Reports are readable only by moderators and admins. Resolving one tells its reporter it was handled, not by whom.</source>
        <translation>Meldungen können nur die Moderation und Admins lesen. Wird eine erledigt, erfährt die meldende Person, dass sie bearbeitet wurde, aber nicht von wem.</translation>
    </message>
    <message>
        <source>Your reports, and whether a moderator has handled them.</source>
        <translation>Deine Meldungen und ob die Moderation sie bearbeitet hat.</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Meldungen</translation>
    </message>
    <message>
        <source>The reported post in context</source>
        <translation>Der gemeldete Beitrag im Zusammenhang</translation>
    </message>
    <message>
        <source>No reports and no posts waiting.</source>
        <translation>Keine Meldungen und keine wartenden Beiträge.</translation>
    </message>
    <message>
        <source>Remove post</source>
        <translation>Beitrag entfernen</translation>
    </message>
    <message>
        <source>Time out for a day</source>
        <translation>Einen Tag sperren</translation>
    </message>
    <message>
        <source>Ban</source>
        <translation>Verbannen</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>A new member&apos;s first post waits for a moderator&apos;s approval</source>
        <translation>Der erste Beitrag eines neuen Mitglieds wartet auf die Freigabe durch die Moderation</translation>
    </message>
    <message>
        <source>First-post approval for new members</source>
        <translation>Freigabe des ersten Beitrags neuer Mitglieder</translation>
    </message>
    <message>
        <source>Waiting for approval — {author}: {text}</source>
        <translation>Wartet auf Freigabe — {author}: {text}</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>Bearbeitet</translation>
    </message>
    <message>
        <source>{status} · {reason} — post by {author}: {text}</source>
        <translation>{status} · {reason} — Beitrag von {author}: {text}</translation>
    </message>
    <message>
        <source>reported by {name} on {time}</source>
        <translation>gemeldet von {name} am {time}</translation>
    </message>
    <message>
        <source>your report of {time}</source>
        <translation>deine Meldung vom {time}</translation>
    </message>
    <message>
        <source>signed by its author</source>
        <translation>von der Verfasserin oder dem Verfasser signiert</translation>
    </message>
    <message>
        <source>its signature does not check out</source>
        <translation>die Signatur stimmt nicht</translation>
    </message>
    <message>
        <source>Post by {author} ({verified}):</source>
        <translation>Beitrag von {author} ({verified}):</translation>
    </message>
    <message>
        <source>Handled by {name}: {outcome}.</source>
        <translation>Bearbeitet von {name}: {outcome}.</translation>
    </message>
    <message>
        <source>A moderator handled this report.</source>
        <translation>Die Moderation hat diese Meldung bearbeitet.</translation>
    </message>
    <message>
        <source>{author} is new here; their first post waits for a moderator. Approving it shows it to everyone and ends the wait for their later posts.</source>
        <translation>{author} ist neu hier; der erste Beitrag wartet auf die Moderation. Die Freigabe zeigt ihn allen und beendet das Warten für spätere Beiträge.</translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>post removed</source>
        <translation>Beitrag entfernt</translation>
    </message>
    <message>
        <source>author timed out</source>
        <translation>Verfasser gesperrt</translation>
    </message>
    <message>
        <source>author banned</source>
        <translation>Verfasser verbannt</translation>
    </message>
</context>
<context>
    <name>RequestList</name>
    <message>
        <source>Join request from {name}, fingerprint {fingerprint}</source>
        <translation>Beitrittsanfrage von {name}, Fingerabdruck {fingerprint}</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>The restored profile becomes a new desktop of yours, with the same identity. If the old computer still runs Coterie, it keeps working beside it; if it is lost or stolen, revoke it afterwards under Linked desktops.</source>
        <translation>Das wiederhergestellte Profil wird ein neuer Desktop von dir, mit derselben Identität. Läuft Coterie auf dem alten Computer noch, arbeitet er daneben weiter; ist er verloren oder gestohlen, widerrufe ihn danach unter „Verknüpfte Desktops“.</translation>
    </message>
    <message>
        <source>Restore from a backup</source>
        <translation>Aus einer Sicherung wiederherstellen</translation>
    </message>
    <message>
        <source>Brings back your groups, their history, files and settings from a backup file. Coterie then reads everything posted since the backup before you can post.</source>
        <translation>Holt deine Gruppen, ihren Verlauf, Dateien und Einstellungen aus einer Sicherungsdatei zurück. Coterie liest dann alles, was seit der Sicherung gepostet wurde, bevor du posten kannst.</translation>
    </message>
    <message>
        <source>Backup file</source>
        <translation>Sicherungsdatei</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Wiederherstellungscode</translation>
    </message>
    <message>
        <source>Keep the key in this computer&apos;s keyring (recommended)</source>
        <translation>Den Schlüssel im Schlüsselbund dieses Computers aufbewahren (empfohlen)</translation>
    </message>
    <message>
        <source>Use the system keyring</source>
        <translation>Den Schlüsselbund des Systems verwenden</translation>
    </message>
    <message>
        <source>Protect it with a passphrase I type each time</source>
        <translation>Mit einer Passphrase schützen, die ich jedes Mal eingebe</translation>
    </message>
    <message>
        <source>Use a passphrase</source>
        <translation>Eine Passphrase verwenden</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Neue Passphrase</translation>
    </message>
    <message>
        <source>This computer has no secure keyring: choose a passphrase for the restored profile.</source>
        <translation>Dieser Computer hat keinen sicheren Schlüsselbund: Wähle eine Passphrase für das wiederhergestellte Profil.</translation>
    </message>
    <message>
        <source>Restore progress</source>
        <translation>Fortschritt der Wiederherstellung</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Restore the backup</source>
        <translation>Die Sicherung wiederherstellen</translation>
    </message>
    <message>
        <source>{value} MB read</source>
        <translation>{value} MB gelesen</translation>
    </message>
    <message>
        <source>Restoring and reading what was posted since the backup…</source>
        <translation>Stelle wieder her und lese, was seit der Sicherung gepostet wurde…</translation>
    </message>
</context>
<context>
    <name>Reveal</name>
    <message>
        <source>Show the passphrase</source>
        <translation>Die Passphrase zeigen</translation>
    </message>
    <message>
        <source>Hide the passphrase</source>
        <translation>Die Passphrase verbergen</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Owner</source>
        <translation>Eigentümer</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <source>Moderator</source>
        <translation>Moderator</translation>
    </message>
    <message>
        <source>Observer</source>
        <translation>Beobachter</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>everything, and can hand ownership over</source>
        <translation>alles, und kann das Eigentum übergeben</translation>
    </message>
    <message>
        <source>manages members, roles and invites, moderates</source>
        <translation>verwaltet Mitglieder, Rollen und Einladungen, moderiert</translation>
    </message>
    <message>
        <source>removes posts and moderates; cannot change roles or members</source>
        <translation>entfernt Beiträge und moderiert; kann Rollen und Mitglieder nicht ändern</translation>
    </message>
    <message>
        <source>reads and reacts; cannot post</source>
        <translation>liest und reagiert; kann nicht posten</translation>
    </message>
    <message>
        <source>posts and reacts</source>
        <translation>postet und reagiert</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <source>The group&apos;s rules</source>
        <translation>Die Regeln der Gruppe</translation>
    </message>
    <message>
        <source>The rules of {name} changed</source>
        <translation>Die Regeln von {name} haben sich geändert</translation>
    </message>
    <message>
        <source>Rules of {name}</source>
        <translation>Regeln von {name}</translation>
    </message>
    <message>
        <source>An admin changed the group&apos;s rules. Here they are, as they stand now.</source>
        <translation>Ein Admin hat die Regeln der Gruppe geändert. Hier sind sie, wie sie jetzt gelten.</translation>
    </message>
    <message>
        <source>Every member sees these rules; new members accept them before they join.</source>
        <translation>Jedes Mitglied sieht diese Regeln; neue Mitglieder nehmen sie vor dem Beitritt an.</translation>
    </message>
    <message>
        <source>Rules (Markdown)</source>
        <translation>Regeln (Markdown)</translation>
    </message>
    <message>
        <source># Our rules

- Be kind
- No spam</source>
        <translation># Unsere Regeln

- Sei freundlich
- Kein Spam</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Save for everyone</source>
        <translation>Für alle speichern</translation>
    </message>
    <message>
        <source>This group has no rules yet.</source>
        <translation>Diese Gruppe hat noch keine Regeln.</translation>
    </message>
    <message>
        <source>Set by {name} on {time}</source>
        <translation>Festgelegt von {name} am {time}</translation>
    </message>
</context>
<context>
    <name>SafetyNumberDialog</name>
    <message>
        <source>Safety number with {name}</source>
        <translation>Sicherheitsnummer mit {name}</translation>
    </message>
    <message>
        <source>Compare these numbers with {who}, in person or on a call. If they match on both devices, nobody is in the middle.</source>
        <translation>Vergleiche diese Zahlen mit {who}, persönlich oder in einem Anruf. Wenn sie auf beiden Geräten übereinstimmen, sitzt niemand dazwischen.</translation>
    </message>
    <message>
        <source>Safety number</source>
        <translation>Sicherheitsnummer</translation>
    </message>
    <message>
        <source>Safety number QR code</source>
        <translation>QR-Code der Sicherheitsnummer</translation>
    </message>
    <message>
        <source>Paste their code: the coterie://verify link or 60 digits</source>
        <translation>Füge den Code der Person ein: den coterie://verify-Link oder 60 Ziffern</translation>
    </message>
    <message>
        <source>Safety code from {name}</source>
        <translation>Sicherheitscode von {name}</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Check the pasted safety code</source>
        <translation>Den eingefügten Sicherheitscode prüfen</translation>
    </message>
    <message>
        <source>✓ Verified on this device</source>
        <translation>✓ Auf diesem Gerät verifiziert</translation>
    </message>
    <message>
        <source>Comparison result</source>
        <translation>Ergebnis des Vergleichs</translation>
    </message>
    <message>
        <source>✓ Matches. {isolate} is marked verified on this device.</source>
        <translation>✓ Stimmt überein. {isolate} ist auf diesem Gerät als verifiziert markiert.</translation>
    </message>
    <message>
        <source>✗ Does NOT match. Do not trust this member&apos;s key until you find out why: ask them in person.</source>
        <translation>✗ Stimmt NICHT überein. Vertraue dem Schlüssel dieses Mitglieds nicht, bis du weißt, warum: frag die Person persönlich.</translation>
    </message>
</context>
<context>
    <name>SaveToLibraryDialog</name>
    <message>
        <source>Save to library</source>
        <translation>In die Bibliothek</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>comma-separated</source>
        <translation>durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>SearchDelegate</name>
    <message>
        <source>{group} · channel</source>
        <translation>{group} · Kanal</translation>
    </message>
    <message>
        <source>{group} · topic by {name} · {day}</source>
        <translation>{group} · Thema von {name} · {day}</translation>
    </message>
    <message>
        <source>{group} · in the library, saved by {name} · {day}</source>
        <translation>{group} · in der Bibliothek, gespeichert von {name} · {day}</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Search posts, files, the library, channels and topics…</source>
        <translation>Beiträge, Dateien, Bibliothek, Kanäle und Themen durchsuchen…</translation>
    </message>
    <message>
        <source>Search text</source>
        <translation>Suchtext</translation>
    </message>
    <message>
        <source>Only in “{isolate}”</source>
        <translation>Nur in „{isolate}“</translation>
    </message>
    <message>
        <source>Search only in this group</source>
        <translation>Nur in dieser Gruppe suchen</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Suchergebnisse</translation>
    </message>
    <message>
        <source>Type to search every group you are in.</source>
        <translation>Tippe, um alle deine Gruppen zu durchsuchen.</translation>
    </message>
    <message>
        <source>Type to search.</source>
        <translation>Tippe, um zu suchen.</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>Suchstatus</translation>
    </message>
    <message>
        <source>No posts match.</source>
        <translation>Keine Beiträge gefunden.</translation>
    </message>
    <message numerus="yes">
        <source>The %Ln best of more results — add words to narrow the search. Enter opens the selected one</source>
        <translation>
            <numerusform>%Ln bestes Ergebnis von mehr – füge Wörter hinzu, um die Suche einzugrenzen. Eingabe öffnet das ausgewählte</numerusform>
            <numerusform>Die %Ln besten von mehr Ergebnissen – füge Wörter hinzu, um die Suche einzugrenzen. Eingabe öffnet das ausgewählte</numerusform>
        </translation>
    </message>
    <message>
        <source>1 result — Enter opens the selected one</source>
        <translation>1 Ergebnis – Eingabe öffnet das ausgewählte</translation>
    </message>
    <message numerus="yes">
        <source>%Ln results — Enter opens the selected one</source>
        <translation>
            <numerusform>%Ln Ergebnis – Eingabe öffnet das ausgewählte</numerusform>
            <numerusform>%Ln Ergebnisse – Eingabe öffnet das ausgewählte</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchModel</name>
    <message>
        <source>Channel {snippet} in {group}</source>
        <translation>Kanal {snippet} in {group}</translation>
    </message>
    <message>
        <source>Topic {snippet} by {name} in {group}</source>
        <translation>Thema {snippet} von {name} in {group}</translation>
    </message>
    <message>
        <source>Library item {snippet} saved by {name} in {group}</source>
        <translation>Bibliothekseintrag {snippet}, gesichert von {name} in {group}</translation>
    </message>
    <message>
        <source>{name} in {group}: {snippet}</source>
        <translation>{name} in {group}: {snippet}</translation>
    </message>
</context>
<context>
    <name>ServiceDialog</name>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Same as the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <source>Default relay for new groups</source>
        <translation>Standard-Relay für neue Gruppen</translation>
    </message>
    <message>
        <source>https://relay.example.org</source>
        <translation>https://relay.example.org</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Design</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Dein Name</translation>
    </message>
    <message>
        <source>Default relay</source>
        <translation>Standard-Relay</translation>
    </message>
    <message>
        <source>Largest size of the file cache</source>
        <translation>Höchstgröße des Dateispeichers</translation>
    </message>
    <message>
        <source>Largest image downloaded automatically</source>
        <translation>Größtes Bild, das automatisch geladen wird</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Keep downloaded files up to</source>
        <translation>Geladene Dateien behalten bis</translation>
    </message>
    <message>
        <source>Download images by themselves up to</source>
        <translation>Bilder selbst laden bis</translation>
    </message>
    <message>
        <source>Files stay encrypted in the cache; the least recently used go first and can be downloaded again. 0 MB: no image downloads by itself.</source>
        <translation>Dateien bleiben im Speicher verschlüsselt; die am längsten nicht genutzten gehen zuerst und lassen sich erneut laden. 0 MB: kein Bild lädt von selbst.</translation>
    </message>
    <message>
        <source>Protection</source>
        <translation>Schutz</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Neue Passphrase</translation>
    </message>
    <message>
        <source>Change passphrase…</source>
        <translation>Passphrase ändern…</translation>
    </message>
    <message>
        <source>Set a new passphrase</source>
        <translation>Eine neue Passphrase festlegen</translation>
    </message>
    <message>
        <source>Use the keyring instead</source>
        <translation>Stattdessen den Schlüsselbund verwenden</translation>
    </message>
    <message>
        <source>Move the key into the system keyring</source>
        <translation>Den Schlüssel in den Schlüsselbund des Systems verschieben</translation>
    </message>
    <message>
        <source>New recovery code…</source>
        <translation>Neuer Wiederherstellungscode…</translation>
    </message>
    <message>
        <source>Make a new recovery code</source>
        <translation>Einen neuen Wiederherstellungscode erzeugen</translation>
    </message>
    <message>
        <source>New recovery code</source>
        <translation>Neuer Wiederherstellungscode</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Einstellungen speichern</translation>
    </message>
    <message>
        <source>Your profile&apos;s key is kept in this computer&apos;s keyring; Coterie opens without a passphrase.</source>
        <translation>Der Schlüssel deines Profils liegt im Schlüsselbund dieses Computers; Coterie öffnet sich ohne Passphrase.</translation>
    </message>
    <message>
        <source>Use a passphrase instead…</source>
        <translation>Stattdessen eine Passphrase verwenden…</translation>
    </message>
    <message>
        <source>Your profile is protected by a passphrase.</source>
        <translation>Dein Profil ist durch eine Passphrase geschützt.</translation>
    </message>
    <message>
        <source>Set this passphrase</source>
        <translation>Diese Passphrase festlegen</translation>
    </message>
    <message>
        <source>Protecting your profile with the new passphrase…</source>
        <translation>Dein Profil wird mit der neuen Passphrase geschützt…</translation>
    </message>
    <message>
        <source>Moving the key into the keyring…</source>
        <translation>Der Schlüssel wird in den Schlüsselbund verschoben…</translation>
    </message>
    <message>
        <source>{protection} Changed.</source>
        <translation>{protection} Geändert.</translation>
    </message>
    <message>
        <source>Making a new recovery code…</source>
        <translation>Ein neuer Wiederherstellungscode wird erzeugt…</translation>
    </message>
    <message>
        <source>Your old recovery code no longer works. Save this new one now; it is shown only once.</source>
        <translation>Dein alter Wiederherstellungscode funktioniert nicht mehr. Sichere jetzt diesen neuen; er wird nur einmal gezeigt.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Speichere…</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Search all groups</source>
        <translation>Alle Gruppen durchsuchen</translation>
    </message>
    <message>
        <source>Search in this group</source>
        <translation>In dieser Gruppe suchen</translation>
    </message>
    <message>
        <source>New group</source>
        <translation>Neue Gruppe</translation>
    </message>
    <message>
        <source>Join with an invite link</source>
        <translation>Mit einem Einladungslink beitreten</translation>
    </message>
    <message>
        <source>Alt+Up / Alt+Down</source>
        <translation>Alt+Hoch / Alt+Runter</translation>
    </message>
    <message>
        <source>Previous / next group</source>
        <translation>Vorherige / nächste Gruppe</translation>
    </message>
    <message>
        <source>Alt+Shift+Up / Alt+Shift+Down</source>
        <translation>Alt+Umschalt+Hoch / Alt+Umschalt+Runter</translation>
    </message>
    <message>
        <source>Previous / next channel of the group</source>
        <translation>Vorheriger / nächster Kanal der Gruppe</translation>
    </message>
    <message>
        <source>Left / Right (in the sidebar)</source>
        <translation>Links / Rechts (in der Seitenleiste)</translation>
    </message>
    <message>
        <source>Fold / unfold a group&apos;s channels</source>
        <translation>Kanäle einer Gruppe ein- / ausklappen</translation>
    </message>
    <message>
        <source>Open the selected post&apos;s thread</source>
        <translation>Thread des gewählten Beitrags öffnen</translation>
    </message>
    <message>
        <source>Escape (in a thread)</source>
        <translation>Esc (in einem Thread)</translation>
    </message>
    <message>
        <source>Close the thread panel</source>
        <translation>Thread-Bereich schließen</translation>
    </message>
    <message>
        <source>Write a post</source>
        <translation>Einen Beitrag schreiben</translation>
    </message>
    <message>
        <source>Upcoming events of this group</source>
        <translation>Anstehende Termine dieser Gruppe</translation>
    </message>
    <message>
        <source>Enter / Shift+Enter</source>
        <translation>Eingabe / Umschalt+Eingabe</translation>
    </message>
    <message>
        <source>Send / new line</source>
        <translation>Senden / neue Zeile</translation>
    </message>
    <message>
        <source>Up (empty composer)</source>
        <translation>Hoch (leeres Eingabefeld)</translation>
    </message>
    <message>
        <source>Edit your last post</source>
        <translation>Deinen letzten Beitrag bearbeiten</translation>
    </message>
    <message>
        <source>Escape</source>
        <translation>Escape</translation>
    </message>
    <message>
        <source>Leave reply or edit mode</source>
        <translation>Antworten oder Bearbeiten beenden</translation>
    </message>
    <message>
        <source>R / E / Delete / +</source>
        <translation>R / E / Entf / +</translation>
    </message>
    <message>
        <source>Reply to, edit, delete or react to the selected post</source>
        <translation>Auf den ausgewählten Beitrag antworten, ihn bearbeiten, löschen oder darauf reagieren</translation>
    </message>
    <message>
        <source>Jump to the latest posts</source>
        <translation>Zu den neuesten Beiträgen springen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Coterie</source>
        <translation>Coterie</translation>
    </message>
    <message>
        <source>Your profile</source>
        <translation>Dein Profil</translation>
    </message>
    <message>
        <source>New group or join a group</source>
        <translation>Neue Gruppe oder einer Gruppe beitreten</translation>
    </message>
    <message>
        <source>New group (Ctrl+N) or join with a link (Ctrl+J)</source>
        <translation>Neue Gruppe (Ctrl+N) oder mit einem Link beitreten (Ctrl+J)</translation>
    </message>
    <message>
        <source>New group…	Ctrl+N</source>
        <translation>Neue Gruppe…	Ctrl+N</translation>
    </message>
    <message>
        <source>Join with an invite link…	Ctrl+J</source>
        <translation>Mit einem Einladungslink beitreten…	Ctrl+J</translation>
    </message>
    <message>
        <source>Search all groups    Ctrl+K</source>
        <translation>Alle Gruppen durchsuchen    Ctrl+K</translation>
    </message>
    <message>
        <source>Search all groups</source>
        <translation>Alle Gruppen durchsuchen</translation>
    </message>
    <message>
        <source>Pending joins</source>
        <translation>Laufende Beitritte</translation>
    </message>
    <message>
        <source>Groups and channels</source>
        <translation>Gruppen und Kanäle</translation>
    </message>
    <message>
        <source>Back up</source>
        <translation>Sichern</translation>
    </message>
    <message>
        <source>Back up all your groups into one encrypted file, now or automatically</source>
        <translation>Alle deine Gruppen in eine verschlüsselte Datei sichern, jetzt oder automatisch</translation>
    </message>
    <message>
        <source>Desktops</source>
        <translation>Desktops</translation>
    </message>
    <message>
        <source>Linked desktops</source>
        <translation>Verknüpfte Desktops</translation>
    </message>
    <message>
        <source>Use Coterie on your other desktops too, or revoke one</source>
        <translation>Coterie auch auf deinen anderen Desktops nutzen, oder einen widerrufen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>Einstellungen (Ctrl+,)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (F1)</source>
        <translation>Tastenkürzel (F1)</translation>
    </message>
    <message>
        <source>“{name}”</source>
        <translation>„{name}“</translation>
    </message>
    <message>
        <source>a group</source>
        <translation>einer Gruppe</translation>
    </message>
    <message>
        <source>Joining {name}: {message}</source>
        <translation>Beitritt zu {name}: {message}</translation>
    </message>
    <message>
        <source>waiting for an admin.</source>
        <translation>wartet auf einen Admin.</translation>
    </message>
    <message>
        <source>Joining {name} did not work: {message}</source>
        <translation>Der Beitritt zu {name} hat nicht geklappt: {message}</translation>
    </message>
    <message>
        <source>{name}, {kind} channel</source>
        <translation>{name}, Kanal ({kind})</translation>
    </message>
    <message>
        <source>archived</source>
        <translation>archiviert</translation>
    </message>
    <message>
        <source>New channel…</source>
        <translation>Neuer Kanal…</translation>
    </message>
    <message>
        <source>Archived ({count})</source>
        <translation>Archiviert ({count})</translation>
    </message>
</context>
<context>
    <name>SidebarModel</name>
    <message numerus="yes">
        <source>%Ln unread</source>
        <translation>
            <numerusform>%Ln ungelesen</numerusform>
            <numerusform>%Ln ungelesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln mentioning you</source>
        <translation>
            <numerusform>%Ln erwähnt dich</numerusform>
            <numerusform>%Ln erwähnen dich</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThreadPanel</name>
    <message>
        <source>Thread</source>
        <translation>Thread</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>Follow this thread: new replies notify you</source>
        <translation>Diesem Thread folgen: neue Antworten benachrichtigen dich</translation>
    </message>
    <message>
        <source>Close the thread (Esc)</source>
        <translation>Thread schließen (Esc)</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Schließen (Esc)</translation>
    </message>
    <message>
        <source>No replies yet.</source>
        <translation>Noch keine Antworten.</translation>
    </message>
    <message>
        <source>Reply in the thread…</source>
        <translation>Im Thread antworten…</translation>
    </message>
    <message>
        <source>1 reply</source>
        <translation>1 Antwort</translation>
    </message>
    <message numerus="yes">
        <source>%Ln replies</source>
        <translation>
            <numerusform>%Ln Antwort</numerusform>
            <numerusform>%Ln Antworten</numerusform>
        </translation>
    </message>
    <message>
        <source>{replies} · last by {name}</source>
        <translation>{replies} · zuletzt {name}</translation>
    </message>
    <message>
        <source>{name}: {text}</source>
        <translation>{name}: {text}</translation>
    </message>
    <message>
        <source>Following</source>
        <translation>Folgst du</translation>
    </message>
</context>
<context>
    <name>TimeFormat</name>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>{date}, {time}</source>
        <translation>{date}, {time}</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>in 1 minute</source>
        <translation>in 1 Minute</translation>
    </message>
</context>
<context>
    <name>TimeWords</name>
    <message numerus="yes">
        <source>in %Ln days</source>
        <translation>
            <numerusform>in %Ln Tag</numerusform>
            <numerusform>in %Ln Tagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %Ln hours</source>
        <translation>
            <numerusform>in %Ln Stunde</numerusform>
            <numerusform>in %Ln Stunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %Ln minutes</source>
        <translation>
            <numerusform>in %Ln Minute</numerusform>
            <numerusform>in %Ln Minuten</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Unlock Coterie</source>
        <translation>Coterie entsperren</translation>
    </message>
    <message>
        <source>Use my recovery code instead</source>
        <translation>Stattdessen meinen Wiederherstellungscode verwenden</translation>
    </message>
    <message>
        <source>Switch between passphrase and recovery code</source>
        <translation>Zwischen Passphrase und Wiederherstellungscode wechseln</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <source>Welcome back</source>
        <translation>Willkommen zurück</translation>
    </message>
    <message>
        <source>Type your passphrase to open your groups.</source>
        <translation>Gib deine Passphrase ein, um deine Gruppen zu öffnen.</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Open with your recovery code</source>
        <translation>Mit deinem Wiederherstellungscode öffnen</translation>
    </message>
    <message>
        <source>Type the recovery code you saved when you created this profile, then choose a new passphrase.</source>
        <translation>Gib den Wiederherstellungscode ein, den du beim Erstellen dieses Profils gesichert hast, und wähle dann eine neue Passphrase.</translation>
    </message>
    <message>
        <source>XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX</source>
        <translation>XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Wiederherstellungscode</translation>
    </message>
    <message>
        <source>Keep the key in this computer&apos;s keyring instead</source>
        <translation>Den Schlüssel stattdessen im Schlüsselbund dieses Computers aufbewahren</translation>
    </message>
    <message>
        <source>Use the system keyring instead of a passphrase</source>
        <translation>Den Schlüsselbund des Systems statt einer Passphrase verwenden</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Neue Passphrase</translation>
    </message>
    <message>
        <source>Use my passphrase instead</source>
        <translation>Stattdessen meine Passphrase verwenden</translation>
    </message>
    <message>
        <source>Unlocking…</source>
        <translation>Entsperre…</translation>
    </message>
</context>
<context>
    <name>Worker</name>
    <message>
        <source>The operation failed: {error}</source>
        <translation>Der Vorgang ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>The operation failed unexpectedly; please try again.</source>
        <translation>Der Vorgang ist unerwartet fehlgeschlagen; bitte versuche es noch einmal.</translation>
    </message>
</context>
<context>
    <name>_PathRow</name>
    <message>
        <source>Choose…</source>
        <translation>Wählen…</translation>
    </message>
    <message>
        <source>Choose the {what}</source>
        <translation>{what} wählen</translation>
    </message>
</context>
</TS>
