using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddGaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ExpertPending",
                table: "TopicCards",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "MutedContentJson",
                table: "TopicCards",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PostSeqAtDeclare",
                table: "Crises",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PostSeqAtStandDown",
                table: "Crises",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExpertPending",
                table: "TopicCards");

            migrationBuilder.DropColumn(
                name: "MutedContentJson",
                table: "TopicCards");

            migrationBuilder.DropColumn(
                name: "PostSeqAtDeclare",
                table: "Crises");

            migrationBuilder.DropColumn(
                name: "PostSeqAtStandDown",
                table: "Crises");
        }
    }
}
