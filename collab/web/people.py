"""Directors manage who belongs to their organisation."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from collab.accounts import invitations, people
from collab.http.access import access
from collab.models.accounts import DIRECTOR_OF_TEAM, ROLE_LABELS
from collab.platform.errors import NotFound, ValidationFailed
from collab.platform.extensions import db
from collab.web.feedback import refuse
from collab.web.forms import ConfirmForm, InviteForm, RoleForm
from collab.work import leavers

bp = Blueprint("people", __name__, url_prefix="/orgs/<org>/people")


def _invite_form() -> InviteForm:
    """Invitations start at the least privileged role that fits: the inviting director's own
    staff (a director picks CIO or CMO on purpose, never by leaving the default)."""
    team = next((t for t, d in DIRECTOR_OF_TEAM.items() if d == g.membership.role), "it")
    return InviteForm(role=team)


def _page(invite_form=None, status=200, new_link=None):
    members = people.members_of(g.org, include_inactive=True)
    return (
        render_template(
            "people/index.html",
            org=g.org,
            members=members,
            invitations=invitations.pending_invitations(g.org),
            invite_form=invite_form or _invite_form(),
            me=g.membership.id,
            role_forms={m.id: RoleForm(role=m.role, prefix=f"m{m.id}") for m in members},
            confirm_form=ConfirmForm(),
            new_link=new_link,
        ),
        status,
    )


@bp.route("/")
@access("people.view")
def index(org: str):
    return _page()


@bp.route("/invite", methods=["POST"])
@access("people.manage")
def invite(org: str):
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        _, link = invitations.invite(
            g.org,
            form.email.data,
            form.role.data,
            current_user,
            lambda raw: url_for("auth.accept_invitation", token=raw, _external=True),
        )
    except ValidationFailed as exc:
        refuse(exc, form, fallback="email")
        return _page(form, 422)
    db.session.commit()
    flash(f"Invitation sent to {form.email.data}.")
    return _page(new_link=link)


@bp.route("/<int:member_id>/role", methods=["POST"])
@access("people.manage")
def change_role(org: str, member_id: int):
    membership = people.membership_in(g.org, member_id)
    form = RoleForm(prefix=f"m{member_id}")
    if form.validate_on_submit():
        try:
            people.change_role(g.org, membership, form.role.data, by=current_user)
        except ValidationFailed as exc:
            refuse(exc)
            return _page(status=422)
        db.session.commit()
        flash(f"{membership.user.display_name} is now {ROLE_LABELS[membership.role]}.")
    return redirect(url_for("people.index", org=org))


@bp.route("/<int:member_id>/deactivate", methods=["POST"])
@access("people.manage")
def deactivate(org: str, member_id: int):
    """Two steps: the row's button asks (what happens to whom and their work), and only the
    confirmation page's button deactivates."""
    membership = people.membership_in(g.org, member_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        colleague = None
        try:
            if request.form.get("colleague", "").isdigit():
                colleague = people.membership_in(g.org, int(request.form["colleague"]))
            if request.form.get("confirmed") != "yes":
                if membership.id == g.membership.id:  # said now, not after a confirmation
                    leavers.deactivate_member(g.org, membership, g.membership, colleague)
                return render_template(
                    "people/deactivate.html",
                    org=g.org,
                    member=membership,
                    colleague=colleague,
                    open_tasks=leavers.open_task_count(g.org, membership.user),
                    confirm_form=form,
                )
            leavers.deactivate_member(g.org, membership, g.membership, colleague)
        except (ValidationFailed, NotFound) as exc:
            refuse(exc)
            return _page(status=422)
        db.session.commit()
        handed = f"to {colleague.user.display_name}" if colleague else "back to triage"
        flash(
            f"{membership.user.display_name} no longer has access to {g.org.name}; "
            f"their open tasks went {handed}."
        )
    return redirect(url_for("people.index", org=org))
