import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { TaskService } from '@chairtime/clinical';
import { ResolveTaskDto, TaskQueryDto } from './clinical.dto';
import { TaskDto } from './clinical-response.dto';
import { ApiProblems } from '../http/problem.dto';
import { ApiOkArrayResponse } from '../http/page.dto';

/** Staff work items (vitals holds, safety escalations, REMS forms, ...). */
@ApiTags('tasks')
@Controller('v1/tasks')
export class TasksController {
  constructor(private readonly tasks: TaskService) {}

  @Get()
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkArrayResponse(TaskDto, 200, {
    description: 'Newest first',
    headers: {
      'X-Next-Cursor': {
        description: 'Pass as `cursor` for the next page; absent on the last',
        schema: { type: 'string', maxLength: 500 },
      },
    },
  })
  @ApiOperation({ summary: "List a clinic's tasks" })
  @ApiProblems([404, 'Unknown clinic (or another tenant’s)'])
  async list(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Query() q: TaskQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.tasks.list({ principal, requestId }, q);
    if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
    return page.items;
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: TaskDto, description: 'The acknowledged task' })
  @ApiOperation({ summary: 'Acknowledge a task' })
  @ApiProblems([409, 'Not open (`currentStatus`)'])
  acknowledge(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.tasks.acknowledge({ principal, requestId }, id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: TaskDto, description: 'The resolved task' })
  @ApiOperation({ summary: 'Resolve a task' })
  @ApiProblems([409, 'Already resolved (`currentStatus`)'])
  resolve(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResolveTaskDto,
  ) {
    return this.tasks.resolve({ principal, requestId }, id, dto.note ?? null);
  }
}
