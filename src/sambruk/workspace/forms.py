"""Forms of the workspace: one small form per case action, create, bulk and search."""

from __future__ import annotations

from django import forms
from django.db.models import F, Q
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from sambruk.cases.models import (
    Case,
    CaseState,
    CaseType,
    Label,
    Priority,
    Queue,
    Resolution,
)
from sambruk.cases.roles import CHANGE_CASE, CREATE_CASE
from sambruk.cases.workflow import closing_targets, non_closing_targets
from sambruk.core.accounts.models import User
from sambruk.core.authz.permissions import ALL, permitted_organisation_ids


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def send_targets(case):
    """Queues a case may be sent to: the active queues of its organisation and the queues
    of other organisations that receive cases (they have an incoming case type)."""
    own = Q(organisation_id=case.organisation_id)
    other = ~own & Q(default_case_type__isnull=False)
    return (
        Queue.objects.filter(active=True)
        .filter(own | other)
        .exclude(pk=case.queue_id)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


class QueueChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, own_organisation=None, **kwargs):
        self.own_organisation = own_organisation
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        if self.own_organisation is not None and obj.organisation_id != self.own_organisation:
            return f"{obj.name} ({obj.organisation.name})"
        return obj.name


class ActionForm(forms.Form):
    """Every action form carries the version of the case the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case, user, **kwargs):
        self.case, self.user = case, user
        kwargs.setdefault("initial", {})["version"] = case.version
        super().__init__(*args, **kwargs)
        self.setup()

    def setup(self):
        pass


class AssignToForm(ActionForm):
    to = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Handläggare"))

    def setup(self):
        from sambruk.cases import predicates

        members = getattr(predicates, "queue_members", None)
        users = members(self.case.queue) if members else self.case.queue.members.all()
        self.fields["to"].queryset = users.filter(is_active=True).order_by("full_name", "email")


class SendToForm(ActionForm):
    queue = QueueChoiceField(queryset=Queue.objects.none(), label=_("Funktion"))
    note = forms.CharField(
        label=_("Meddelande"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def setup(self):
        self.fields["queue"].queryset = send_targets(self.case)
        self.fields["queue"].own_organisation = self.case.organisation_id


class ChangeTypeForm(ActionForm):
    case_type = forms.ModelChoiceField(queryset=CaseType.objects.none(), label=_("Ärendetyp"))

    def setup(self):
        self.fields["case_type"].queryset = CaseType.objects.filter(
            organisation_id=self.case.organisation_id, active=True
        ).exclude(pk=self.case.case_type_id)


class ChangePriorityForm(ActionForm):
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(),
        label=_("Prioritet"),
        required=False,
        empty_label=_("Ingen prioritet"),
    )

    def setup(self):
        self.fields["priority"].queryset = Priority.objects.filter(
            organisation_id=self.case.organisation_id
        )
        self.initial.setdefault("priority", self.case.priority_id)


class ChangeDueDateForm(ActionForm):
    due_date = forms.DateField(label=_("Förfallodatum"), required=False, widget=DateInput())

    def setup(self):
        self.initial.setdefault("due_date", self.case.due_date)


class ChangeTitleForm(ActionForm):
    title = forms.CharField(label=_("Rubrik"), max_length=300)

    def setup(self):
        self.initial.setdefault("title", self.case.title)


class ChangeDescriptionForm(ActionForm):
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def setup(self):
        self.initial.setdefault("description", self.case.description)


class AddLabelForm(ActionForm):
    label = forms.ModelChoiceField(queryset=Label.objects.none(), label=_("Etikett"))

    def setup(self):
        self.fields["label"].queryset = Label.objects.filter(
            organisation_id=self.case.organisation_id
        ).exclude(cases=self.case)


class RemoveLabelForm(ActionForm):
    label = forms.ModelChoiceField(queryset=Label.objects.none(), label=_("Etikett"))

    def setup(self):
        self.fields["label"].queryset = self.case.labels.all()


class AddContactForm(ActionForm):
    """A contact: a person from the register by civic number (``civic_number``, filled by
    "Hämta uppgifter", see ``views/contact_lookup.py``), or free name/e-mail/phone/address."""

    civic_number = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        required=False,
        help_text=_(
            "ÅÅÅÅMMDD-NNNN. Hämta namn och adress från folkbokföringen; "
            "kontakten blir då personen i registret."
        ),
    )
    name = forms.CharField(label=_("Namn"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    address = forms.CharField(label=_("Adress"), max_length=300, required=False)
    role = forms.CharField(
        label=_("Roll"), max_length=60, required=False, help_text=_("Till exempel ”Anmälare”.")
    )
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def setup(self):
        from .contact_lookup import may_look_up

        if not may_look_up(self.user, self.case):
            del self.fields["civic_number"]
        else:
            self.fields["civic_number"].widget.attrs["autocomplete"] = "off"

    def clean_civic_number(self):
        from sambruk.core.persons.personnummer import InvalidPersonnummer, Personnummer

        value = (self.cleaned_data.get("civic_number") or "").strip()
        if not value:
            return ""
        try:
            return Personnummer.parse(value).value
        except InvalidPersonnummer as exc:
            raise forms.ValidationError(exc.messages, code="invalid") from None


class AddNoteForm(ActionForm):
    text = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 5}))
    visible_to_citizen = forms.BooleanField(label=_("Synlig för invånaren"), required=False)


class ChangeStatusForm(ActionForm):
    status = forms.ModelChoiceField(queryset=None, label=_("Ny status"))

    def setup(self):
        targets = non_closing_targets(self.case)
        self.fields["status"].queryset = self.case.case_type.statuses.filter(
            pk__in=[s.pk for s in targets]
        )


class CloseForm(ActionForm):
    resolution = forms.ModelChoiceField(
        queryset=Resolution.objects.none(), label=_("Utfall"), required=False
    )
    status = forms.ModelChoiceField(queryset=None, label=_("Avslutande status"), required=False)

    def setup(self):
        self.fields["resolution"].queryset = self.case.case_type.resolutions.filter(active=True)
        self.fields["resolution"].required = self.case.case_type.resolution_required
        targets = closing_targets(self.case)
        self.fields["status"].queryset = self.case.case_type.statuses.filter(
            pk__in=[s.pk for s in targets]
        )
        if len(targets) < 2:
            del self.fields["status"]


class SubmitFormForm(ActionForm):
    """The case type's closing form (avslutningsformulär); the engine validates the values."""

    def setup(self):
        stored = self.case.forms.filter(form_code="closing").first()
        for spec in self.case.case_type.closing_form or []:
            if isinstance(spec, dict) and spec.get("name"):
                self.fields[f"form_{spec['name']}"] = closing_field(spec)
                if stored is not None:
                    self.initial.setdefault(f"form_{spec['name']}", stored.data.get(spec["name"]))

    def form_data(self) -> dict:
        return {
            name[len("form_") :]: ("" if value is None else str(value))
            for name, value in self.cleaned_data.items()
            if name.startswith("form_")
        }


def closing_field(spec: dict) -> forms.Field:
    """A form field from one entry of ``CaseType.closing_form`` (validated by the engine)."""
    kind = spec.get("type", "text")
    common = {"label": spec.get("label") or spec["name"], "required": False}
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == "choice":
        choices = [("", "—")]
        for choice in spec.get("choices") or ():
            if isinstance(choice, dict):
                value = str(choice.get("value", ""))
                choices.append((value, str(choice.get("label") or value)))
            else:
                choices.append((str(choice), str(choice)))
        return forms.ChoiceField(choices=choices, **common)
    if kind == "date":
        return forms.CharField(widget=DateInput(), **common)
    return forms.CharField(**common)


class StartConversationForm(ActionForm):
    topic = forms.CharField(label=_("Ämne"), max_length=200)
    internal = forms.BooleanField(label=_("Intern (bara personal)"), required=False)
    emails = forms.CharField(
        label=_("Externa deltagare"),
        required=False,
        help_text=_("E-postadresser, separerade med kommatecken."),
    )

    def clean_emails(self):
        from django.core.validators import validate_email

        items = [e.strip() for e in self.cleaned_data["emails"].split(",") if e.strip()]
        for item in items:
            try:
                validate_email(item)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Ogiltig e-postadress: %(email)s") % {"email": item}
                ) from None
        return items


class PostMessageForm(ActionForm):
    conversation = forms.ModelChoiceField(queryset=None, label=_("Konversation"))
    body = forms.CharField(label=_("Meddelande"), widget=forms.Textarea(attrs={"rows": 4}))

    def setup(self):
        self.fields["conversation"].queryset = self.case.conversations.all()


class AddAttachmentForm(ActionForm):
    file = forms.FileField(label=_("Fil"))
    visible_to_citizen = forms.BooleanField(label=_("Synlig för invånaren"), required=False)


class RemoveForm(ActionForm):
    reason = forms.CharField(label=_("Anledning"), required=False, max_length=500)


class CreateSubcaseForm(ActionForm):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class LinkSubcaseForm(ActionForm):
    reference = forms.CharField(label=_("Ärendenummer"), max_length=40)

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        child = (
            Case.objects.visible_to(self.user)
            .filter(organisation_id=self.case.organisation_id, reference=reference)
            .first()
        )
        if child is None:
            raise forms.ValidationError(_("Det finns inget ärende med det numret."))
        self.child = child
        return reference

    def clean(self):
        data = super().clean()
        if getattr(self, "child", None) is not None:
            data["child"] = self.child  # the service's argument
        return data


class CreateCaseForm(forms.Form):
    case_type = forms.ModelChoiceField(queryset=CaseType.objects.none(), label=_("Ärendetyp"))
    queue = forms.ModelChoiceField(queryset=Queue.objects.none(), label=_("Funktion"))
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(),
        label=_("Prioritet"),
        required=False,
        empty_label=_("Ingen prioritet"),
    )
    due_date = forms.DateField(
        label=_("Förfallodatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Lämna tomt för ärendetypens standard."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = permitted_organisation_ids(user, CREATE_CASE)
        scope = Q() if orgs == ALL else Q(organisation_id__in=orgs)
        self.fields["case_type"].queryset = CaseType.objects.filter(scope, active=True)
        self.fields["queue"].queryset = Queue.objects.filter(scope, active=True)
        self.fields["priority"].queryset = Priority.objects.filter(scope)

    def clean(self):
        data = super().clean()
        queue, case_type = data.get("queue"), data.get("case_type")
        if queue and case_type and queue.organisation_id != case_type.organisation_id:
            raise forms.ValidationError(
                _("Funktionen och ärendetypen hör till olika organisationer.")
            )
        priority = data.get("priority")
        if queue and priority and priority.organisation_id != queue.organisation_id:
            self.add_error("priority", _("Prioriteten hör till en annan organisation."))
        return data


def members_of(queues):
    """Active users who are members of any of ``queues`` (as ``predicates.queue_members``:
    named members and members of the queue's own organisation's groups), in one query."""
    from sambruk.cases.models import StaffGroup

    direct = Queue.members.through.objects.filter(queue__in=queues).values("user_id")
    in_groups = StaffGroup.members.through.objects.filter(
        staffgroup__queues__in=queues,
        staffgroup__queues__organisation_id=F("staffgroup__organisation_id"),
    ).values("user_id")
    return User.objects.filter(Q(pk__in=direct) | Q(pk__in=in_groups), is_active=True)


def _attrs_html(attrs) -> str:
    """HTML attributes, escaped (booleans as bare names, False/None left out)."""
    return flatatt(attrs)


class FastSelect(forms.Select):
    """``forms.Select`` with the same markup, built in Python instead of one template
    include per option (list pages render the bulk form's selects on every request)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs_html(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        str(option["value"]),
                        _attrs_html(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every part is escaped by format_html


class FreeMultipleChoiceField(forms.MultipleChoiceField):
    """``pk:version`` values, validated against the visible cases by the view."""

    def valid_value(self, value):
        pk, _sep, version = str(value).partition(":")
        return pk.isdigit() and (version == "" or version.isdigit())


class BulkForm(forms.Form):
    """Bulk action on the selected rows of a list (each case goes through its service)."""

    OPERATIONS = [
        ("assign_me", _("Tilldela mig")),
        ("assign_to", _("Tilldela handläggare")),
        ("send_to", _("Skicka till funktion")),
    ]
    cases = FreeMultipleChoiceField(
        label=_("Ärenden"), error_messages={"required": _("Välj minst ett ärende.")}
    )
    operation = forms.ChoiceField(label=_("Åtgärd"), choices=OPERATIONS, widget=FastSelect)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Handläggare"), required=False, widget=FastSelect
    )
    queue = QueueChoiceField(
        queryset=Queue.objects.none(), label=_("Funktion"), required=False, widget=FastSelect
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = permitted_organisation_ids(user, CHANGE_CASE)
        scope = Q() if orgs == ALL else Q(organisation_id__in=orgs)
        queues = Queue.objects.filter(scope, active=True).select_related("organisation")
        self.fields["queue"].queryset = queues
        self.fields["assignee"].queryset = members_of(queues).order_by("full_name", "email")

    def clean(self):
        data = super().clean()
        op = data.get("operation")
        if op == "assign_to" and not data.get("assignee"):
            self.add_error("assignee", _("Välj en handläggare."))
        if op == "send_to" and not data.get("queue"):
            self.add_error("queue", _("Välj en funktion."))
        return data


STATE_FILTERS = [
    ("active", _("Öppna och vilande")),
    (CaseState.OPEN, _("Öppna")),
    (CaseState.ON_HOLD, _("Vilande")),
    (CaseState.CLOSED, _("Avslutade")),
    ("all", _("Alla")),
]


class SearchForm(forms.Form):
    text = forms.CharField(
        label=_("Sökord"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_(
            "Söker i ärendenummer, rubrik, beskrivning, anteckningar, meddelanden och kontakter."
        ),
    )
    state = forms.ChoiceField(
        label=_("Läge"), choices=STATE_FILTERS, required=False, widget=FastSelect
    )
    case_type = forms.ModelChoiceField(
        queryset=CaseType.objects.none(), label=_("Ärendetyp"), required=False, widget=FastSelect
    )
    queue = forms.ModelChoiceField(
        queryset=Queue.objects.none(), label=_("Funktion"), required=False, widget=FastSelect
    )
    assignee = forms.ChoiceField(
        label=_("Handläggare"),
        required=False,
        choices=[("", _("Alla")), ("me", _("Jag")), ("none", _("Ej tilldelade"))],
        widget=FastSelect,
    )
    label = forms.ModelChoiceField(
        queryset=Label.objects.none(), label=_("Etikett"), required=False, widget=FastSelect
    )
    created_from = forms.DateField(label=_("Skapat från"), required=False, widget=DateInput())
    created_to = forms.DateField(label=_("Skapat till"), required=False, widget=DateInput())
    overdue = forms.BooleanField(label=_("Bara försenade"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = CaseType.objects.restrict(user, "cases.view_casetype")
        self.fields["queue"].queryset = Queue.objects.restrict(user, "cases.view_queue")
        self.fields["label"].queryset = Label.objects.restrict(user, "cases.view_label")


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Namn på perspektivet"), max_length=120)
