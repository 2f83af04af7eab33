"""Add the coordinator console's tables.

Staff accounts and their sessions, failed logins (throttling), the audit log, coordinators'
notes and the status history of a lead, and the questions the assistant could not answer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Creates the seven tables and their indexes."""
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("disabled_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_staff_accounts_name")),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("last_seen_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["staff_accounts.id"], name=op.f("fk_console_sessions_account_id_staff_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_console_sessions_token_hash")),
    )
    op.create_index(op.f("ix_console_sessions_account_id"), "console_sessions", ["account_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_name", sa.String(length=64), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_account_name"), "login_failures", ["account_name"])
    op.create_index(op.f("ix_login_failures_client_address"), "login_failures", ["client_address"])
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_lead_id"), "audit_log", ["lead_id"])
    for table, columns in (
        (
            "lead_notes",
            [sa.Column("text", sa.Text(), nullable=False), sa.Column("created_at", _TIME, nullable=False)],
        ),
        (
            "lead_status_changes",
            [
                sa.Column("from_status", sa.String(length=16), nullable=False),
                sa.Column("to_status", sa.String(length=16), nullable=False),
                sa.Column("at", _TIME, nullable=False),
            ],
        ),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("lead_id", sa.Integer(), nullable=False),
            sa.Column("author", sa.String(length=64), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f(f"fk_{table}_lead_id_leads")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_lead_id"), table, ["lead_id"])
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("asked_at", _TIME, nullable=False),
        sa.Column("reply_name", sa.String(length=128), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("conversation_key", sa.String(length=64), nullable=False),
        sa.Column("mark", sa.String(length=16), nullable=False),
        sa.Column("marked_by", sa.String(length=64), nullable=True),
        sa.Column("marked_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_questions")),
    )
    op.create_index(op.f("ix_unanswered_questions_group_key"), "unanswered_questions", ["group_key"])
    op.create_index(op.f("ix_unanswered_questions_asked_at"), "unanswered_questions", ["asked_at"])
    op.create_index(op.f("ix_unanswered_questions_conversation_key"), "unanswered_questions", ["conversation_key"])


def downgrade() -> None:
    """Drops the console's tables (the leads stay)."""
    for table in (
        "unanswered_questions",
        "lead_status_changes",
        "lead_notes",
        "audit_log",
        "login_failures",
        "console_sessions",
        "staff_accounts",
    ):
        op.drop_table(table)
