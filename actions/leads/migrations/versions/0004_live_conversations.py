"""Add the conversations waiting for, or held by, a coordinator (live hand-off).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Creates the table, its one-row-per-conversation constraint and its status index."""
    op.create_table(
        "live_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", _TIME, nullable=False),
        sa.Column("coordinator", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", _TIME, nullable=True),
        sa.Column("last_activity_at", _TIME, nullable=True),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_conversations")),
        sa.UniqueConstraint("channel", "conversation_id", name=op.f("uq_live_conversations_channel")),
    )
    op.create_index(op.f("ix_live_conversations_status"), "live_conversations", ["status"])


def downgrade() -> None:
    """Drops the table."""
    op.drop_index(op.f("ix_live_conversations_status"), table_name="live_conversations")
    op.drop_table("live_conversations")
