using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddExpert : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ExpertAudit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    QuestionId = table.Column<long>(type: "bigint", nullable: true),
                    EntryId = table.Column<long>(type: "bigint", nullable: true),
                    ActorAadObjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ActorUserId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Before = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    After = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Details = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertAudit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExpertPeople",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AadObjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Upn = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    SeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertPeople", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "ExpertQuestions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProductKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TopicId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    TopicTitle = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Terms = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AskedById = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AskedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AskedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SlaMinutes = table.Column<int>(type: "integer", nullable: false),
                    CrisisSla = table.Column<bool>(type: "boolean", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RoundStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChannelId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    ServiceUrl = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CurrentAnswerId = table.Column<long>(type: "bigint", nullable: true),
                    ApprovalStep = table.Column<int>(type: "integer", nullable: false),
                    ReviewRound = table.Column<int>(type: "integer", nullable: false),
                    ChangesRequested = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Decisions = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    SupersedeReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    SupersedeById = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SupersedeByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    RemindersSent = table.Column<int>(type: "integer", nullable: false),
                    FirstAnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertQuestions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExpertAnswers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    QuestionId = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Facts = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CustomerReply = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ShortReply = table.Column<string>(type: "character varying(280)", maxLength: 280, nullable: false),
                    AddToFaq = table.Column<bool>(type: "boolean", nullable: false),
                    InternalNote = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AuthorId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EditedByApprover = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertAnswers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertAnswers_ExpertQuestions_QuestionId",
                        column: x => x.QuestionId,
                        principalTable: "ExpertQuestions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExpertQuestionWaiters",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    QuestionId = table.Column<long>(type: "bigint", nullable: false),
                    UserId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AadObjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ServiceUrl = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConversationId = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: false),
                    JoinedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AckOutboxId = table.Column<long>(type: "bigint", nullable: true),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertQuestionWaiters", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertQuestionWaiters_ExpertQuestions_QuestionId",
                        column: x => x.QuestionId,
                        principalTable: "ExpertQuestions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LibraryEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    QuestionId = table.Column<long>(type: "bigint", nullable: false),
                    AnswerId = table.Column<long>(type: "bigint", nullable: false),
                    ProductKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ProductName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Question = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CustomerReply = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ShortReply = table.Column<string>(type: "character varying(280)", maxLength: 280, nullable: false),
                    AddToFaq = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ApprovedBy = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReviewBy = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SupersededById = table.Column<long>(type: "bigint", nullable: true),
                    RetiredReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    UsedCount = table.Column<int>(type: "integer", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LibraryEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LibraryEntries_ExpertQuestions_QuestionId",
                        column: x => x.QuestionId,
                        principalTable: "ExpertQuestions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "LibraryRecipients",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EntryId = table.Column<long>(type: "bigint", nullable: false),
                    UserId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ServiceUrl = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConversationId = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UsedCount = table.Column<int>(type: "integer", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LibraryRecipients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LibraryRecipients_LibraryEntries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "LibraryEntries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExpertAnswers_QuestionId_Version",
                table: "ExpertAnswers",
                columns: new[] { "QuestionId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExpertAudit_EntryId",
                table: "ExpertAudit",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertAudit_QuestionId",
                table: "ExpertAudit",
                column: "QuestionId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertPeople_AadObjectId",
                table: "ExpertPeople",
                column: "AadObjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertPeople_Upn",
                table: "ExpertPeople",
                column: "Upn");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertQuestions_Status_ProductKey",
                table: "ExpertQuestions",
                columns: new[] { "Status", "ProductKey" });

            migrationBuilder.CreateIndex(
                name: "IX_ExpertQuestions_TopicId",
                table: "ExpertQuestions",
                column: "TopicId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertQuestionWaiters_QuestionId_UserId",
                table: "ExpertQuestionWaiters",
                columns: new[] { "QuestionId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LibraryEntries_QuestionId",
                table: "LibraryEntries",
                column: "QuestionId");

            migrationBuilder.CreateIndex(
                name: "IX_LibraryEntries_Status_ProductKey",
                table: "LibraryEntries",
                columns: new[] { "Status", "ProductKey" });

            migrationBuilder.CreateIndex(
                name: "IX_LibraryRecipients_EntryId_UserId",
                table: "LibraryRecipients",
                columns: new[] { "EntryId", "UserId" },
                unique: true);

            // Full-text search of the response library (raw SQL; keep when regenerating this migration).
            migrationBuilder.Sql(global::CrisisBot.Features.Experts.LibrarySearchSql.PostgresCreate);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(global::CrisisBot.Features.Experts.LibrarySearchSql.PostgresDrop);

            migrationBuilder.DropTable(
                name: "ExpertAnswers");

            migrationBuilder.DropTable(
                name: "ExpertAudit");

            migrationBuilder.DropTable(
                name: "ExpertPeople");

            migrationBuilder.DropTable(
                name: "ExpertQuestionWaiters");

            migrationBuilder.DropTable(
                name: "LibraryRecipients");

            migrationBuilder.DropTable(
                name: "LibraryEntries");

            migrationBuilder.DropTable(
                name: "ExpertQuestions");
        }
    }
}
