using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Sqlite
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    QuestionId = table.Column<long>(type: "INTEGER", nullable: true),
                    EntryId = table.Column<long>(type: "INTEGER", nullable: true),
                    ActorAadObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorUserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Before = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    After = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Details = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertAudit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExpertPeople",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AadObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Upn = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    SeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertPeople", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "ExpertQuestions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TopicId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    TopicTitle = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Terms = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AskedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AskedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AskedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SlaMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    CrisisSla = table.Column<bool>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RoundStartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CurrentAnswerId = table.Column<long>(type: "INTEGER", nullable: true),
                    ApprovalStep = table.Column<int>(type: "INTEGER", nullable: false),
                    ReviewRound = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangesRequested = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Decisions = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    SupersedeReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    SupersedeById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    SupersedeByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    RemindersSent = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstAnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ApprovedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertQuestions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExpertAnswers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    QuestionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Facts = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CustomerReply = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ShortReply = table.Column<string>(type: "TEXT", maxLength: 280, nullable: false),
                    AddToFaq = table.Column<bool>(type: "INTEGER", nullable: false),
                    InternalNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EditedByApprover = table.Column<bool>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    QuestionId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AadObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    JoinedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AckOutboxId = table.Column<long>(type: "INTEGER", nullable: true),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    QuestionId = table.Column<long>(type: "INTEGER", nullable: false),
                    AnswerId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProductName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Question = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CustomerReply = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ShortReply = table.Column<string>(type: "TEXT", maxLength: 280, nullable: false),
                    AddToFaq = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ApprovedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReviewBy = table.Column<long>(type: "INTEGER", nullable: false),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SupersededById = table.Column<long>(type: "INTEGER", nullable: true),
                    RetiredReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    UsedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EntryId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UsedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
            migrationBuilder.Sql(global::CrisisBot.Features.Experts.LibrarySearchSql.SqliteCreate);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(global::CrisisBot.Features.Experts.LibrarySearchSql.SqliteDrop);

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
