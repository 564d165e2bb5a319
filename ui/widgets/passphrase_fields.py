"""A passphrase with its confirmation and a live strength hint."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from ui.dialogs.reveal import add_reveal_toggle
from ui.passphrase_strength import strength


class PassphraseFields(QWidget):
    changed = Signal()

    def __init__(self, first_label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        first_label = first_label or QCoreApplication.translate("PassphraseFields", "Passphrase")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(first_label)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName(QCoreApplication.translate("PassphraseFields", "Repeat the passphrase"))
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(6)
        self.meter.setAccessibleName(QCoreApplication.translate("PassphraseFields", "Passphrase strength"))
        self.hint = QLabel(strength("").hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName(QCoreApplication.translate("PassphraseFields", "Passphrase strength hint"))
        self.mismatch = QLabel(QCoreApplication.translate("PassphraseFields", "The two passphrases differ."))
        self.mismatch.setObjectName("errorLabel")
        self.mismatch.setAccessibleName(QCoreApplication.translate("PassphraseFields", "Error"))
        self.mismatch.hide()
        self.reveal = add_reveal_toggle(self.first, self.confirm)
        form.addRow(first_label, self.first)
        form.addRow(QCoreApplication.translate("PassphraseFields", "Repeat"), self.confirm)
        outer.addLayout(form)
        outer.addWidget(self.mismatch)
        outer.addWidget(self.meter)
        outer.addWidget(self.hint)
        self.first.textChanged.connect(self._update)
        self.confirm.textChanged.connect(self._update)
        self.confirm.editingFinished.connect(self._update)

    def _update(self) -> None:
        s = strength(self.first.text())
        self.meter.setValue(s.score)
        self.hint.setText(QCoreApplication.translate("PassphraseFields", '{label}: {hint}').format(label=s.label, hint=s.hint) if self.first.text() else s.hint)
        # An error once the repeat cannot match any more, or once its field is left;
        # not while it is still being typed towards a match.
        first, again = self.first.text(), self.confirm.text()
        differ = bool(again) and again != first and (
            not first.startswith(again) or not self.confirm.hasFocus())
        self.mismatch.setVisible(differ)
        if self.confirm.property("invalid") != differ:
            self.confirm.setProperty("invalid", differ)
            self.confirm.style().unpolish(self.confirm)
            self.confirm.style().polish(self.confirm)
        self.meter.setAccessibleDescription(s.label)
        self.changed.emit()

    def problem(self) -> str | None:
        """None when the passphrase can be used, else one sentence saying why not."""
        s = strength(self.first.text())
        if not s.acceptable:
            return s.hint
        if self.confirm.text() != self.first.text():
            return QCoreApplication.translate("PassphraseFields", "The two passphrase entries differ.")
        return None

    def value(self) -> str | None:
        return None if self.problem() else self.first.text()
