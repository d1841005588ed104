"""`flask --app wsgi operators create|list|disable|enable|set-role|reset-password|setup-url`."""
from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from console import db, security
from console.audit import AuditContext, acting_as, record_action
from console.models import ROLES, Operator

operators_cli = AppGroup("operators", help="Manage the people who sign in to the console.")


def _cli_context() -> AuditContext:
    return AuditContext(source="cli", operator_name=f"cli:{os.environ.get('USER', '?')}")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = security.password_problem(password)
    if problem:
        raise click.ClickException(problem)
    return password


def _get(sess, name: str) -> Operator:
    op = sess.scalar(select(Operator).where(Operator.name == name))
    if op is None:
        raise click.ClickException(f"no operator named {name!r}")
    return op


@operators_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def operators_create(name, role, password_stdin):
    """Create an operator."""
    problem = security.name_problem(name)
    if problem:
        raise click.ClickException(problem)
    password = _read_password(password_stdin)
    with db.new_session() as sess:
        if sess.scalar(select(Operator).where(func.lower(Operator.name) == name.lower())):
            raise click.ClickException(f"operator {name!r} already exists")
        sess.add(Operator(name=name, role=role, password_hash=security.hash_password(password)))
        security.consume_setup_token(sess)
    with acting_as(_cli_context()):
        record_action("operator.create", [name], detail={"role": role})
    click.echo(f"created {role} {name}")


@operators_cli.command("list")
def operators_list():
    """List operators."""
    with db.new_session() as sess:
        for op in sess.scalars(select(Operator).order_by(Operator.name)):
            state = "disabled" if op.disabled else "active"
            click.echo(f"{op.name}\t{op.role}\t{state}")


def _change(name: str, action: str, detail: dict | None = None, **values) -> None:
    with db.new_session() as sess:
        op = _get(sess, name)
        for key, value in values.items():
            setattr(op, key, value)
        if "password_hash" in values or values.get("disabled") or "role" in values:
            op.session_token = security.new_session_token()  # sign out existing sessions
            security.end_sessions(op.id, sess=sess)
    with acting_as(_cli_context()):
        record_action(action, [name], detail=detail)


@operators_cli.command("disable")
@click.argument("name")
def operators_disable(name):
    """Disable an operator (signs them out)."""
    _change(name, "operator.disable", disabled=True)
    click.echo(f"disabled {name}")


@operators_cli.command("enable")
@click.argument("name")
def operators_enable(name):
    """Re-enable a disabled operator."""
    _change(name, "operator.enable", disabled=False)
    click.echo(f"enabled {name}")


@operators_cli.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
def operators_set_role(name, role):
    """Change an operator's role."""
    _change(name, "operator.set_role", {"role": role}, role=role)
    click.echo(f"{name} is now {role}")


@operators_cli.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def operators_reset_password(name, password_stdin):
    """Set a new password for an operator (signs them out)."""
    password = _read_password(password_stdin)
    _change(name, "operator.reset_password", password_hash=security.hash_password(password))
    click.echo(f"password of {name} reset")


@operators_cli.command("setup-url")
@click.option("--rotate", is_flag=True, help="Invalidate the current link and issue a new one.")
def operators_setup_url(rotate):
    """Print the one-time URL that creates the first admin (only while no operator exists)."""
    with db.new_session() as sess:
        token = security.new_setup_token(sess, rotate=rotate)
    if token is None:
        raise click.ClickException("operators already exist; use `operators create` instead")
    click.echo(security.setup_url(current_app, token))
