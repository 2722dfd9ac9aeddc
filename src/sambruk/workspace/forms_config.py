"""Forms of the configuration pages (Inställningar): they validate input and hand it to the
configuration services (``sambruk.cases.services.config``), which validate it again against
the organisation and write it. ``service_kwargs()`` is what the service receives."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import (
    CaseType,
    Label,
    Origin,
    Priority,
    Queue,
    Resolution,
    RetentionAction,
    RuleAction,
    RuleTrigger,
    StaffGroup,
    StatusKind,
)
from sambruk.cases.predicates import queue_members
from sambruk.cases.services.config import clean_closing_form_spec, organisation_users
from sambruk.core.accounts.models import User
from sambruk.core.organisations.models import OrgUnit

#: How many condition rows the rule form offers.
CONDITION_ROWS = 4


class UserChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class ConfigForm(forms.Form):
    """``organisation`` scopes every choice; ``parent`` is the case type or queue of a row
    that belongs to one; ``instance`` is the row being edited (for initial values only)."""

    initial_fields: tuple[str, ...] = ()

    def __init__(self, *args, organisation, parent=None, instance=None, **kwargs):
        self.organisation, self.parent, self.instance = organisation, parent, instance
        super().__init__(*args, **kwargs)
        if instance is not None and not self.is_bound:
            for name in self.initial_fields or self.fields:
                if name in self.fields:
                    self.initial[name] = self.initial_value(name)
        self.setup()

    def setup(self):
        pass

    def initial_value(self, name):
        value = getattr(self.instance, name)
        if hasattr(value, "all"):
            return list(value.all())
        return value

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class CaseTypeForm(ConfigForm):
    name = forms.CharField(label=_("Namn"), max_length=120)
    code = forms.SlugField(
        label=_("Kod"), max_length=40, help_text=_("Kort kod utan mellanslag, t.ex. ”felanmalan”.")
    )
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    default_days_to_due = forms.IntegerField(
        label=_("Dagar till förfallodatum"), required=False, min_value=0
    )
    resolution_required = forms.BooleanField(
        label=_("Utfall krävs för att avsluta"), required=False
    )
    restricted_by_default = forms.BooleanField(
        label=_("Begränsad åtkomst som standard"), required=False
    )
    reference_prefix = forms.CharField(
        label=_("Prefix för ärendenummer"),
        max_length=12,
        required=False,
        help_text=_("Ersätter organisationens prefix för ärenden av denna typ."),
    )
    retention_months = forms.IntegerField(
        label=_("Gallras efter (månader efter avslut)"),
        required=False,
        min_value=0,
        help_text=_("Lämna tomt för att aldrig gallra."),
    )
    retention_action = forms.ChoiceField(
        label=_("Gallringsåtgärd"), choices=RetentionAction.choices
    )
    closing_form = forms.CharField(
        label=_("Avslutningsformulär (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "monospace", "spellcheck": "false"}),
        help_text=_(
            'En lista av fält, t.ex. [{"name": "orsak", "label": "Orsak", "type": "choice", '
            '"required": true, "choices": ["Fel", "Fråga"]}]. Typer: text, textarea, choice, '
            "date, number. Lämna tomt för inget formulär."
        ),
    )
    active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def initial_value(self, name):
        if name == "closing_form":
            value = self.instance.closing_form
            return json.dumps(value, ensure_ascii=False, indent=2) if value else ""
        return super().initial_value(name)

    def clean_closing_form(self):
        text = self.cleaned_data["closing_form"].strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("Ogiltig JSON (rad %(line)d): %(msg)s") % {"line": error.lineno, "msg": error.msg}
            ) from None
        try:
            return clean_closing_form_spec(value)
        except CaseActionError as error:
            raise forms.ValidationError(error.message) from None


class StatusForm(ConfigForm):
    name = forms.CharField(label=_("Namn"), max_length=80)
    code = forms.SlugField(label=_("Kod"), max_length=40)
    order = forms.IntegerField(label=_("Ordning"), min_value=0, initial=0)
    kind = forms.ChoiceField(
        label=_("Slag"),
        choices=StatusKind.choices,
        help_text=_("Öppet, vilande eller avslutat: vad statusen betyder för ärendet."),
    )
    is_initial = forms.BooleanField(
        label=_("Startstatus"),
        required=False,
        help_text=_("Nya ärenden börjar här. Tar över från nuvarande startstatus."),
    )


class ResolutionForm(ConfigForm):
    name = forms.CharField(label=_("Namn"), max_length=120)
    active = forms.BooleanField(label=_("Aktivt"), required=False, initial=True)


class PriorityForm(ConfigForm):
    name = forms.CharField(label=_("Namn"), max_length=60)
    colour = forms.RegexField(
        label=_("Färg"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#6b7280",
        error_messages={"invalid": _("Ange färgen som #rrggbb.")},
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    rank = forms.IntegerField(
        label=_("Rang"), min_value=0, initial=0, help_text=_("Lägre rang = högre prioritet.")
    )


class LabelForm(ConfigForm):
    name = forms.CharField(label=_("Namn"), max_length=60)


class QueueForm(ConfigForm):
    name = forms.CharField(label=_("Namn"), max_length=120)
    orgunit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=OrgUnit.objects.none(), required=False
    )
    members = UserChoices(
        label=_("Medlemmar"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    member_groups = forms.ModelMultipleChoiceField(
        label=_("Medlemsgrupper"),
        queryset=StaffGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    default_case_type = forms.ModelChoiceField(
        label=_("Ärendetyp för inkommande ärenden"),
        queryset=CaseType.objects.none(),
        required=False,
        help_text=_("Ärenden som skickas hit från en annan organisation får denna typ."),
    )
    active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def setup(self):
        org = self.organisation
        self.fields["orgunit"].queryset = OrgUnit.objects.filter(organisation=org)
        self.fields["members"].queryset = organisation_users(org.pk).order_by("full_name", "email")
        self.fields["member_groups"].queryset = StaffGroup.objects.filter(organisation=org)
        self.fields["default_case_type"].queryset = CaseType.objects.filter(organisation=org)


class GroupForm(ConfigForm):
    name = forms.CharField(label=_("Namn"), max_length=120)
    members = UserChoices(
        label=_("Medlemmar"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def setup(self):
        self.fields["members"].queryset = organisation_users(self.organisation.pk).order_by(
            "full_name", "email"
        )


def condition_choices(organisation) -> list:
    """One select per condition row: field and value together, grouped by field."""
    return [
        ("", _("— inget villkor —")),
        (
            _("Ärendetyp"),
            [
                (f"case_type:{t.pk}", t.name)
                for t in CaseType.objects.filter(organisation=organisation)
            ],
        ),
        (
            _("Etikett"),
            [(f"label:{x.pk}", x.name) for x in Label.objects.filter(organisation=organisation)],
        ),
        (
            _("Prioritet"),
            [
                (f"priority:{p.pk}", p.name)
                for p in Priority.objects.filter(organisation=organisation)
            ],
        ),
        (_("Ursprung"), [(f"origin:{value}", label) for value, label in Origin.choices]),
    ]


#: action → (form field holding its parameter, key in ``QueueRule.params``)
ACTION_PARAMS = {
    RuleAction.ASSIGN: ("user", "user"),
    RuleAction.SEND_TO_QUEUE: ("target_queue", "queue"),
    RuleAction.SET_LABEL: ("label", "label"),
    RuleAction.SET_PRIORITY: ("priority", "priority"),
    RuleAction.CLOSE: ("resolution", "resolution"),
    RuleAction.EMAIL: ("email", "to"),
}


class RuleForm(ConfigForm):
    """A queue rule: when (trigger), conditions (any/all), an action and its parameter."""

    name = forms.CharField(label=_("Namn"), max_length=120)
    trigger = forms.ChoiceField(label=_("När"), choices=RuleTrigger.choices)
    match_all = forms.ChoiceField(
        label=_("Villkoren"),
        choices=[("all", _("Alla villkor måste gälla")), ("any", _("Något villkor räcker"))],
    )
    action = forms.ChoiceField(label=_("Åtgärd"), choices=RuleAction.choices)
    user = forms.ModelChoiceField(
        label=_("Handläggare (vid Tilldela)"), queryset=User.objects.none(), required=False
    )
    target_queue = forms.ModelChoiceField(
        label=_("Funktion (vid Skicka till funktion)"),
        queryset=Queue.objects.none(),
        required=False,
    )
    label = forms.ModelChoiceField(
        label=_("Etikett (vid Sätt etikett)"), queryset=Label.objects.none(), required=False
    )
    priority = forms.ModelChoiceField(
        label=_("Prioritet (vid Sätt prioritet)"), queryset=Priority.objects.none(), required=False
    )
    resolution = forms.ModelChoiceField(
        label=_("Utfall (vid Avsluta)"), queryset=Resolution.objects.none(), required=False
    )
    email = forms.EmailField(label=_("E-postadress (vid Skicka e-post)"), required=False)
    order = forms.IntegerField(label=_("Ordning"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def setup(self):
        org, queue = self.organisation, self.parent
        choices = condition_choices(org)
        for i in range(CONDITION_ROWS):
            self.fields[f"condition_{i}"] = forms.ChoiceField(
                label=_("Villkor %(n)d") % {"n": i + 1}, choices=choices, required=False
            )
        self.fields["user"].queryset = queue_members(queue).order_by("full_name", "email")
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.email
        self.fields["target_queue"].queryset = Queue.objects.filter(
            organisation=org, active=True
        ).exclude(pk=queue.pk)
        self.fields["label"].queryset = Label.objects.filter(organisation=org)
        self.fields["priority"].queryset = Priority.objects.filter(organisation=org)
        self.fields["resolution"].queryset = Resolution.objects.filter(
            case_type__organisation=org, active=True
        ).select_related("case_type")
        self.fields["resolution"].label_from_instance = lambda r: f"{r.case_type.name}: {r.name}"
        rule = self.instance
        if rule is not None and not self.is_bound:
            self.initial["match_all"] = "all" if rule.match_all else "any"
            for i, condition in enumerate((rule.conditions or [])[:CONDITION_ROWS]):
                self.initial[f"condition_{i}"] = f"{condition['field']}:{condition['value']}"
            field, key = ACTION_PARAMS.get(rule.action, (None, None))
            if field:
                self.initial[field] = (rule.params or {}).get(key)

    initial_fields = ("name", "trigger", "action", "order", "active")

    def clean(self):
        data = super().clean()
        action = data.get("action")
        field, _key = ACTION_PARAMS.get(action, (None, None))
        needs = action != RuleAction.CLOSE  # closing without an utfall is allowed
        if field and needs and not data.get(field):
            self.add_error(field, _("Välj eller ange en parameter för åtgärden."))
        return data

    def conditions(self) -> list[dict]:
        rows = []
        for i in range(CONDITION_ROWS):
            value = self.cleaned_data.get(f"condition_{i}")
            if value:
                field, _sep, raw = value.partition(":")
                rows.append({"field": field, "value": raw})
        return rows

    def params(self) -> dict:
        field, key = ACTION_PARAMS[self.cleaned_data["action"]]
        value = self.cleaned_data.get(field)
        if value in (None, ""):
            return {}
        return {key: value if isinstance(value, str) else value.pk}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "trigger": data["trigger"],
            "match_all": data["match_all"] == "all",
            "action": data["action"],
            "params": self.params(),
            "conditions": self.conditions(),
            "order": data["order"],
            "active": data["active"],
        }
